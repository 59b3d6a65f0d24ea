import type { TransactionStore } from './ports';
import type { ReplayRequest } from './replayMessage';

/**
 * Most transactions one replay request may list. The retry pass splits larger groups of one
 * appointment into several requests; a request listing more is refused without a table read.
 */
export const MAX_REPLAY_TRANSACTIONS = 50;

/**
 * Why a replay request is not the connector's own, or undefined when it is: every transaction it
 * lists must be an open row of the named appointment whose Pending entry carries this message's id
 * as its claim. Only the retry pass and the replay API record claims (under the entry's ETag), so a
 * message someone else put on the queue matches none. One range read of the appointment's entries.
 */
export async function replayClaimRefusal(
  transactions: TransactionStore,
  request: ReplayRequest,
  messageId: string | undefined,
): Promise<string | undefined> {
  const count = request.transactionIds.length;
  if (count > MAX_REPLAY_TRANSACTIONS) {
    return `it lists ${count} transactions, more than the ${MAX_REPLAY_TRANSACTIONS} a replay may list`;
  }
  if (!messageId) return 'it has no message id, so it cannot match a claim';
  const claims = new Map(
    (await transactions.listPending(request.appointmentId)).map((entry) => [
      entry.transactionId,
      entry.claim,
    ]),
  );
  const unclaimed = request.transactionIds.filter((id) => claims.get(id) !== messageId);
  if (unclaimed.length === 0) return undefined;
  const shown = unclaimed.slice(0, 3).join(', ');
  const more = unclaimed.length > 3 ? ` and ${unclaimed.length - 3} more` : '';
  return `${unclaimed.length} of the ${count} transactions it lists (${shown}${more}) carry no claim of message ${messageId} for appointment ${request.appointmentId} (not sent by the connector, listing another appointment's rows, or already processed)`;
}
