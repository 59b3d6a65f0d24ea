import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { connector } from '../connector';
import { catalogueEntry } from '../domain/catalogue';
import { type Caller, ERRORS_REPLAY, holds } from './auth/roles';
import { failureWindow, parseFailureQuery } from './failureQuery';
import { loadFailures } from './loadFailures';
import { jsonResponse, problemResponse } from './responses';
import { transactionDetailView } from './transactionDetail';
import { failureSummaryView } from './views';

/** `GET errors`: failures of the window, newest first, with counts; `GET errors/{transactionId}`: one row. */
export async function errorsApi(
  request: HttpRequest,
  _context: InvocationContext,
  caller: Caller,
): Promise<HttpResponseInit> {
  const instance = connector();
  const secrets = instance.secrets();
  const transactionId = request.params.transactionId;
  if (transactionId) {
    const [record, manualReplays] = await Promise.all([
      instance.stores.transactions.getTransaction(transactionId),
      instance.stores.manualReplays.listManualReplays(transactionId),
    ]);
    if (!record) return problemResponse(404, `Transaction ${transactionId} does not exist.`, secrets);
    return jsonResponse(
      200,
      {
        transaction: transactionDetailView(record, manualReplays, holds(caller, ERRORS_REPLAY)),
        catalogue: record.code ? catalogueEntry(record.code) : null,
      },
      secrets,
    );
  }
  const window = failureWindow(instance.settings.retryWindowDays, new Date());
  const parsed = parseFailureQuery(request.query, window);
  if (!parsed.ok) return problemResponse(400, parsed.problem.message, secrets, parsed.problem.parameter);
  const loaded = await loadFailures(instance.stores.failures, parsed.query, window);
  if (!loaded.ok) return problemResponse(400, loaded.problem.message, secrets, loaded.problem.parameter);
  return jsonResponse(
    200,
    {
      window: { days: window.days, since: window.start.toISOString() },
      items: loaded.page.items.map(failureSummaryView),
      continuationToken: loaded.page.continuationToken,
      counts: loaded.page.counts,
    },
    secrets,
  );
}
