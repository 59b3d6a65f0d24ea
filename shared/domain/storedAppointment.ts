import type { AppointmentState, EventMapping, MappingStore, StoredAppointment } from './ports';

/** The mappings of one appointment for one sync: read with it, changed by the calls, saved with it. */
export class AppointmentMappings implements MappingStore {
  private readonly current: Map<string, EventMapping>;
  /** Resource id → the mapping written, or undefined when it was deleted. */
  private readonly changes = new Map<string, EventMapping | undefined>();

  constructor(stored: readonly EventMapping[]) {
    this.current = new Map(stored.map((mapping) => [mapping.resourceId, mapping]));
  }

  async listMappings(): Promise<EventMapping[]> {
    return [...this.current.values()];
  }

  async putMapping(mapping: EventMapping): Promise<void> {
    this.current.set(mapping.resourceId, mapping);
    this.changes.set(mapping.resourceId, mapping);
  }

  async deleteMapping(_appointmentId: string, resourceId: string): Promise<void> {
    this.current.delete(resourceId);
    this.changes.set(resourceId, undefined);
  }

  /** These changes applied to the mappings as stored now (another writer may have changed others). */
  appliedTo(stored: readonly EventMapping[]): EventMapping[] {
    const merged = new Map(stored.map((mapping) => [mapping.resourceId, mapping]));
    for (const [resourceId, mapping] of this.changes) {
      if (mapping) merged.set(resourceId, mapping);
      else merged.delete(resourceId);
    }
    return [...merged.values()].sort((a, b) => (a.resourceId < b.resourceId ? -1 : 1));
  }
}

/** Whether a change of this version may replace the stored state (an equal version is a redelivery). */
export function acceptsVersion(stored: StoredAppointment, version: number): boolean {
  return !stored.state || version >= stored.state.version;
}

/**
 * Whether the row of a change may exist already. A row is written only after its appointment, so a
 * change newer than the stored state, not the stored one and not open has never been recorded.
 */
export function mayHaveRow(
  stored: StoredAppointment,
  change: { readonly changeId: string; readonly transactionId: string; readonly version: number },
): boolean {
  const { state } = stored;
  if (!state) return false;
  return (
    state.changeId === change.changeId ||
    change.version <= state.version ||
    stored.openTransactions.includes(change.transactionId)
  );
}

export interface AppointmentChanges {
  /** The state to store unless a newer one is stored by then; absent: keep the stored one. */
  readonly state?: AppointmentState;
  readonly mappings: AppointmentMappings;
  /** Transactions no longer open, then those recorded with a next attempt. */
  readonly closed: readonly string[];
  readonly opened: readonly string[];
}

/** The update `AppointmentStore.updateAppointment` applies: to what was read, or re-read after a race. */
export function withChanges(changes: AppointmentChanges): (current: StoredAppointment) => StoredAppointment {
  return (current) => {
    const state =
      changes.state && acceptsVersion(current, changes.state.version) ? changes.state : current.state;
    const open = current.openTransactions.filter((id) => !changes.closed.includes(id));
    return {
      ...current,
      ...(state ? { state } : {}),
      mappings: changes.mappings.appliedTo(current.mappings),
      openTransactions: [...new Set([...open, ...changes.opened])],
    };
  };
}

function mappingKeys(stored: StoredAppointment): string {
  return stored.mappings
    .map((m) => `${m.resourceId}\n${m.mailbox}\n${m.eventId}`)
    .sort()
    .join('\n\n');
}

/**
 * Whether `written` (what an update stored) holds what `expected` (the update applied to what was read)
 * predicted: the same state and the same events, so no other sync's work got in between.
 */
export function writtenAlone(expected: StoredAppointment, written: StoredAppointment): boolean {
  return (
    expected.state?.changeId === written.state?.changeId && mappingKeys(expected) === mappingKeys(written)
  );
}
