import { type SyncDependencies, syncAppointmentState } from './appointmentSync';
import { DiagnosedFailure } from './failures';
import { transactionIdFor } from './ids';
import type { AppointmentState, AppointmentStore, TransactionStore } from './ports';
import type { ReplayRequest } from './replayMessage';
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
    snapshot: state.deleted ? undefined : state.snapshot,
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
  const state = await deps.appointments.getAppointment(request.appointmentId);
  const result = await replayResult(deps, request, state);
  let last: TransactionRecord | undefined;
  for (const row of rows) {
    const base = {
      transactionId: row.transactionId,
      changeId: row.changeId,
      appointmentId: row.appointmentId,
      operation: state ? (state.deleted ? ('delete' as const) : ('upsert' as const)) : row.operation,
      ...(row.version !== undefined ? { version: row.version } : {}),
    };
    last = await deps.recorder.record(base, row, result, started, { manual: request.reason === 'manual' });
  }
  if (state && fullySynced(result)) {
    await deps.recorder.resolveOlderRows(
      request.appointmentId,
      first.transactionId,
      rows.map((r) => r.transactionId),
    );
  }
  return last;
}
