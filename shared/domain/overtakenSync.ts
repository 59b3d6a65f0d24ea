import { type SyncDependencies, syncAppointmentState } from './appointmentSync';
import type { AppointmentStore, StoredAppointment } from './ports';
import { AppointmentMappings, withChanges, writtenAlone } from './storedAppointment';
import type { SyncResult } from './syncResult';

/** Syncs again at most this often after one write; any writer that got in later checks after its own. */
const MAX_RESYNCS = 3;

export interface OvertakenDependencies extends SyncDependencies {
  readonly appointments: AppointmentStore;
}

/**
 * After a sync's one appointment write: `expected` is what it would have stored alone, `written` what
 * was stored. They differ only when another sync of the appointment wrote between this one's read and
 * its write (its session lock was lost mid-sync, e.g. an instance stalled past its lock): that sync's
 * state may be newer, and its events were not in the mappings this one planned with (nor were this
 * one's in its plan). Whichever of the two writes last then finds the other's work in what it stored,
 * and makes Exchange match the newest stored state with every event either of them made, until a
 * write of its own goes through alone. Answers the outcome of the last such sync, when there was one.
 */
export async function writeNewestIfOvertaken(
  deps: OvertakenDependencies,
  expected: StoredAppointment,
  written: StoredAppointment,
  version: number,
): Promise<SyncResult | undefined> {
  let result: SyncResult | undefined;
  let predicted = expected;
  let current = written;
  for (let round = 0; round < MAX_RESYNCS && !writtenAlone(predicted, current); round++) {
    const newest = current.state;
    // A deleted appointment with no event left: Exchange already matches it.
    if (!newest || (newest.deleted && current.mappings.length === 0)) break;
    const { appointmentId } = newest;
    deps.log.info('overtaken during sync: the newest state is written again', {
      appointmentId,
      version,
      newestVersion: newest.version,
    });
    const mappings = new AppointmentMappings(current.mappings);
    result = await syncAppointmentState(deps, {
      appointmentId,
      version: newest.version,
      snapshot: newest.deleted ? undefined : newest.snapshot,
      mappings,
      // The other sync may still be deleting events of the merged mappings.
      deletesMayBeDone: true,
    });
    const update = withChanges({ mappings, closed: [], opened: [] });
    predicted = update(current);
    current = await deps.appointments.updateAppointment(current, update);
  }
  return result;
}
