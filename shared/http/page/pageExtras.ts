import type { TableStores } from '../../adapters/tables';
import { redactDeep } from '../../domain/redaction';
import { currentUnalignedEvents } from '../../domain/unalignedEvent';
import { type Caller, ERRORS_REPLAY, holds } from '../auth/roles';
import { CHART_DAYS } from './failureChart';
import { type AppointmentHistoryModel, HISTORY_ROWS } from './historySection';
import type { Viewer } from './renderPage';

export function viewerOf(caller: Caller): Viewer {
  return { name: caller.name, roles: caller.roles, canReplay: holds(caller, ERRORS_REPLAY) };
}

/** The appointment's rows, oldest first, each with its manual replays (read in parallel). */
async function appointmentHistory(
  stores: TableStores,
  appointmentId: string,
): Promise<AppointmentHistoryModel> {
  const { rows, more } = await stores.history.listHistory(appointmentId, HISTORY_ROWS);
  const withReplays = await Promise.all(
    rows.map(async (row) => ({
      ...row,
      manualReplays: await stores.manualReplays.listManualReplays(row.transactionId),
    })),
  );
  return { appointmentId, rows: withReplays, more };
}

/**
 * What the page shows beside the list: the chart, the history when one appointment is filtered, and a
 * resource's unaligned events when one is asked for.
 */
export async function loadPageExtras(
  stores: TableStores,
  filter: { readonly appointmentId?: string | undefined; readonly resourceId?: string | undefined },
  secrets: readonly string[],
  now: Date,
) {
  const { appointmentId, resourceId } = filter;
  const [chart, history, unaligned] = await Promise.all([
    stores.failureDays.failuresPerDay(CHART_DAYS, now),
    appointmentId ? appointmentHistory(stores, appointmentId) : undefined,
    resourceId ? currentUnalignedEvents(stores, resourceId) : undefined,
  ]);
  return {
    chart,
    history: redactDeep(history, secrets),
    unaligned: resourceId && unaligned ? { resourceId, items: unaligned } : undefined,
  };
}
