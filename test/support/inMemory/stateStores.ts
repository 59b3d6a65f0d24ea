import type { HistoryEntry } from '../../../shared/domain/appointmentHistory';
import type {
  AppointmentStore,
  ResourceState,
  ResourceStore,
  StoredAppointment,
} from '../../../shared/domain/ports';
import { nextEtag, stored, tableKey } from './entities';

/**
 * Appointments as `TableAppointmentStore` keeps them: one entity each (state, mappings, open
 * transactions) written under its ETag; a write that lost a race applies its update to the winner's.
 * History entries are kept by their table key (appointment, creation time, transaction), so a
 * repeated entry is one entry.
 */
export class InMemoryAppointmentStore implements AppointmentStore {
  private readonly rows = new Map<string, StoredAppointment>();
  private readonly history = new Map<string, HistoryEntry>();
  /** Writes that reached the store: each `updateAppointment` write (with its entry) and `addToHistory`. */
  writes = 0;

  async getAppointment(appointmentId: string): Promise<StoredAppointment> {
    const row = this.rows.get(appointmentId);
    return row ? stored(row) : { appointmentId, mappings: [], openTransactions: [] };
  }

  async updateAppointment(
    read: StoredAppointment,
    update: (current: StoredAppointment) => StoredAppointment,
    listed?: HistoryEntry,
  ): Promise<StoredAppointment> {
    tableKey(read.appointmentId);
    const current = this.rows.get(read.appointmentId);
    const base = current?.etag === read.etag ? read : await this.getAppointment(read.appointmentId);
    const next = { ...update(base), etag: nextEtag() };
    this.writes++;
    this.rows.set(read.appointmentId, stored(next));
    if (listed) this.keep(listed);
    return stored(next);
  }

  async addToHistory(entry: HistoryEntry): Promise<void> {
    this.writes++;
    this.keep(entry);
  }

  /** The appointment's history entries in table order: oldest first. */
  historyOf(appointmentId: string): HistoryEntry[] {
    return [...this.history.entries()]
      .filter(([, entry]) => entry.appointmentId === appointmentId)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, entry]) => stored(entry));
  }

  private keep(entry: HistoryEntry): void {
    // The partition key (appointment) and the row key (time, transaction) each within the service's limit.
    const key = `${tableKey(entry.appointmentId)}\n${entry.createdAt.toISOString()}\n${tableKey(entry.transactionId)}`;
    this.history.set(key, stored(entry));
  }
}

/** Resources as `TableResourceStore` keeps them: an equal `changedAt` counts as newer (redelivery). */
export class InMemoryResourceStore implements ResourceStore {
  private readonly rows = new Map<string, ResourceState>();

  async getResources(resourceIds: readonly string[]): Promise<Map<string, ResourceState>> {
    const found = new Map<string, ResourceState>();
    for (const id of new Set(resourceIds)) {
      const row = this.rows.get(id);
      if (row) found.set(id, stored(row));
    }
    return found;
  }

  async saveResourceIfNewer(state: ResourceState): Promise<boolean> {
    tableKey(state.id);
    const current = this.rows.get(state.id);
    if (current && !(state.changedAt.getTime() >= current.changedAt.getTime())) return false;
    this.rows.set(state.id, stored(state));
    return true;
  }
}
