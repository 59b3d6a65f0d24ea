import type { ResourceState, ResourceStore } from '../../domain/ports';

/** How long a resource state read from the table is used without reading it again. */
export const RESOURCE_CACHE_MS = 30_000;

/**
 * Resource states for the change processor, read once per `ttlMs` (absent ones too): resource
 * changes are rare and every change of an appointment needs its resources. A state this instance
 * saves is used at once; one saved by another instance is seen within `ttlMs`.
 */
export class CachedResourceStore implements ResourceStore {
  /** One read in flight per resource: a burst of changes at expiry waits for the same answer. */
  private readonly cached = new Map<string, { state: Promise<ResourceState | undefined>; until: number }>();

  constructor(
    private readonly store: ResourceStore,
    private readonly ttlMs = RESOURCE_CACHE_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  async getResources(resourceIds: readonly string[]): Promise<Map<string, ResourceState>> {
    const now = this.clock();
    const ids = [...new Set(resourceIds)];
    const missing = ids.filter((id) => (this.cached.get(id)?.until ?? 0) <= now);
    if (missing.length > 0) {
      const read = this.store.getResources(missing);
      for (const id of missing) {
        const entry = { state: read.then((states) => states.get(id)), until: now + this.ttlMs };
        // A failed read is not kept: the next change reads again.
        entry.state.catch(() => this.cached.get(id) === entry && this.cached.delete(id));
        this.cached.set(id, entry);
      }
    }
    const states = await Promise.all(ids.map((id) => this.cached.get(id)?.state));
    const found = new Map<string, ResourceState>();
    ids.forEach((id, i) => {
      const state = states[i];
      if (state) found.set(id, state);
    });
    return found;
  }

  async saveResourceIfNewer(state: ResourceState): Promise<boolean> {
    // Whatever the outcome, the next read goes to the table: a newer state may be stored there.
    this.cached.delete(state.id);
    return this.store.saveResourceIfNewer(state);
  }
}
