import { type SyncDependencies, syncAppointmentState } from './appointmentSync';
import { DiagnosedFailure } from './failures';
import { transactionIdFor } from './ids';
import type { AppointmentState, AppointmentStore, TransactionStore } from './ports';
import type { ReplayRequest } from './replayMessage';
import { AppointmentMappings, withChanges } from './storedAppointment';
import { failedWith, fullySynced, type SyncResult } from './syncResult';
import type { TransactionRecord } from './transaction';
import type { TransactionRecorder } from './transactionRecorder';
import { logIfUndiagnosed } from './undiagnosed';

export interface ReplayDependencies extends SyncDependencies {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  readonly recorder: TransactionRecorder;
}

/** The transaction that already synced the appointment's newest state, when it is none of `except`. */
export async function syncedNewest(
  transactions: TransactionStore,
  state: AppointmentState,
  except: readonly string[],
): Promise<string | undefined> {
  const newest = transactionIdFor(state.changeId);
  if (except.includes(newest)) return undefined;
  const row = await transactions.getTransaction(newest);
  return row?.status === 'Success' ? newest : undefined;
}

async function replayResult(
  deps: ReplayDependencies,
  request: ReplayRequest,
  state: AppointmentState | undefined,
  mappings: AppointmentMappings,
): Promise<SyncResult> {
  if (!state) {
    const missing = new DiagnosedFailure(
      'DSUNK001',
      `Unexpected exception: no stored state for appointment ${request.appointmentId}. The stack trace is in the operational log.`,
    );
    logIfUndiagnosed(deps.log, missing, request.appointmentId);
    return failedWith(missing);
  }
  const newest = await syncedNewest(deps.transactions, state, request.transactionIds);
  if (newest) {
    return failedWith(
      new DiagnosedFailure(
        'DSEX022',
        `Superseded: transaction ${newest} already synced version ${state.version} of appointment ${request.appointmentId}.`,
      ),
    );
  }
  return syncAppointmentState(deps, {
    appointmentId: state.appointmentId,
    version: state.version,
    snapshot: state.deleted ? undefined : state.snapshot,
    mappings,
  });
}

/** Replays transactions of one appointment with its newest state: one sync, its outcome on each row. */
export async function replayTransactions(
  deps: ReplayDependencies,
  request: ReplayRequest,
  started: number,
): Promise<TransactionRecord | undefined> {
  const found = await Promise.all(request.transactionIds.map((id) => deps.transactions.getTransaction(id)));
  const rows = found.filter((row): row is TransactionRecord => row !== undefined && row.status !== 'Success');
  const [first] = rows;
  if (!first) {
    deps.log.info('replay found nothing left to do', { ...request });
    return undefined;
  }
  const stored = await deps.appointments.getAppointment(request.appointmentId);
  const { state } = stored;
  const mappings = new AppointmentMappings(stored.mappings);
  const result = await replayResult(deps, request, state, mappings);
  const replayed = rows.map((r) => r.transactionId);
  const synced = state !== undefined && fullySynced(result);
  const older = synced ? stored.openTransactions.filter((id) => !replayed.includes(id)) : [];
  const records = rows.map((row) => {
    const base = {
      transactionId: row.transactionId,
      changeId: row.changeId,
      appointmentId: row.appointmentId,
      operation: state ? (state.deleted ? ('delete' as const) : ('upsert' as const)) : row.operation,
      ...(row.version !== undefined ? { version: row.version } : {}),
    };
    const manual = request.reason === 'manual';
    return { row, record: deps.recorder.build(base, row, result, started, { manual }) };
  });
  if (state) {
    const opened = records.filter((r) => r.record.nextAttemptAt).map((r) => r.record.transactionId);
    await deps.appointments.updateAppointment(
      stored,
      withChanges({ mappings, closed: [...replayed, ...older], opened }),
    );
  }
  let last: TransactionRecord | undefined;
  for (const { row, record } of records) last = await deps.recorder.write(record, row);
  if (older.length > 0)
    await deps.recorder.resolveOlderRows(request.appointmentId, first.transactionId, replayed);
  return last;
}
