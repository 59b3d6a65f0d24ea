import type { ManualReplay } from '../domain/replayAudit';
import type { TransactionRecord } from '../domain/transaction';
import { ERRORS_REPLAY } from './auth/roles';
import { rawBodyExcerpt } from './rawBodyExcerpt';
import { transactionView } from './views';

/** An audit entry as the API and the page show it. */
export function manualReplayView(replay: ManualReplay) {
  return {
    messageId: replay.messageId,
    requestedAt: replay.requestedAt.toISOString(),
    requestedBy: replay.requestedBy,
  };
}

/**
 * One row with its manual replays (newest first). The raw body of an invalid message is personal data:
 * only an `Errors.Replay` holder, who has to act on it, sees it, and only its excerpt.
 */
export function transactionDetailView(
  record: TransactionRecord,
  manualReplays: readonly ManualReplay[],
  mayReadBody: boolean,
) {
  const { rawBody, ...row } = record;
  const body =
    rawBody === undefined
      ? {}
      : mayReadBody
        ? { rawBodyExcerpt: rawBodyExcerpt(rawBody) }
        : { rawBodyWithheld: `The raw body is shown to holders of ${ERRORS_REPLAY} only.` };
  return { ...transactionView(row), ...body, manualReplays: manualReplays.map(manualReplayView) };
}
