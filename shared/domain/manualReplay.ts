import { replayMessageId } from './ids';
import type { PendingReplay, ReplaySender, TransactionStore } from './ports';
import type { ReplayRequest } from './replayMessage';
import { replayRefusal } from './replayRefusal';
import { RETRY_BACKOFF } from './retryPolicy';
import type { TransactionRecord } from './transaction';

/** A manual replay this soon after a replay of the row ran is refused: a burst of clicks sends one. */
export const MANUAL_REPLAY_INTERVAL_MS = 60_000;

export class ReplayNotPossibleError extends Error {
  override readonly name = 'ReplayNotPossibleError';
}

/** The row was attempted moments ago; the caller may ask again after `retryAfterMs`. */
export class ReplayTooSoonError extends ReplayNotPossibleError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

export interface ManualReplayDependencies {
  readonly transactions: TransactionStore;
  readonly sender: ReplaySender;
}

async function pendingEntryOf(
  transactions: TransactionStore,
  row: TransactionRecord,
): Promise<PendingReplay | undefined> {
  const entries = await transactions.listPending(row.appointmentId);
  return entries.find((entry) => entry.transactionId === row.transactionId);
}

/** A row that aged out of the window has no Pending entry: it gets one again, to carry the claim. */
async function reopened(transactions: TransactionStore, row: TransactionRecord, now: Date) {
  const { needsManualAction: _manual, ...rest } = row;
  await transactions.recordTransaction({ ...rest, nextAttemptAt: now }, row);
  return pendingEntryOf(transactions, row);
}

/**
 * The Errors page's Replay: claims the row under its Pending entry's ETag with the message id, then
 * sends one replay. While that replay is queued every click answers the same message id (sent again,
 * the queue drops it as a duplicate); within {@link MANUAL_REPLAY_INTERVAL_MS} after a replay of
 * the row ran nothing new is sent (a fresh failure may be replayed at once). The claim moves neither the attempt count nor the automatic schedule
 * (it only holds the retry pass off for its first backoff step, while the replay is in flight).
 */
export async function replayNow(
  deps: ManualReplayDependencies,
  transactionId: string,
  now: Date,
): Promise<{ messageId: string; request: ReplayRequest }> {
  const row = await deps.transactions.getTransaction(transactionId);
  if (!row) throw new ReplayNotPossibleError(`Transaction ${transactionId} does not exist.`);
  const refusal = replayRefusal(row);
  if (refusal) throw new ReplayNotPossibleError(refusal);
  const request: ReplayRequest = {
    kind: 'replay',
    appointmentId: row.appointmentId,
    transactionIds: [row.transactionId],
    reason: 'manual',
  };
  let entry = await pendingEntryOf(deps.transactions, row);
  if (entry?.claim) {
    await deps.sender.send([{ messageId: entry.claim, body: request }]);
    return { messageId: entry.claim, request };
  }
  const waited = now.getTime() - row.lastAttemptAt.getTime();
  const replayedBefore = row.lastAttemptAt.getTime() > row.createdAt.getTime();
  if (replayedBefore && waited < MANUAL_REPLAY_INTERVAL_MS) {
    const retryAfterMs = MANUAL_REPLAY_INTERVAL_MS - waited;
    throw new ReplayTooSoonError(
      `Transaction ${transactionId} was attempted ${Math.round(waited / 1000)} s ago; it can be replayed again in ${Math.ceil(retryAfterMs / 1000)} s.`,
      retryAfterMs,
    );
  }
  entry ??= await reopened(deps.transactions, row, now);
  const messageId = `${replayMessageId(row.transactionId, row.attempts)}:manual:${row.lastAttemptAt.getTime()}`;
  const hold = new Date(
    Math.max(entry?.nextAttemptAt.getTime() ?? 0, now.getTime() + RETRY_BACKOFF.firstDelayMs),
  );
  if (!entry || !(await deps.transactions.claimPending(entry, hold, entry.attempts, messageId))) {
    const current = await pendingEntryOf(deps.transactions, row);
    if (current?.claim) return { messageId: current.claim, request };
    throw new ReplayNotPossibleError(`Transaction ${transactionId} changed meanwhile; try again.`);
  }
  try {
    await deps.sender.send([{ messageId, body: request }]);
  } catch (error) {
    const claimed = await pendingEntryOf(deps.transactions, row);
    if (claimed?.claim === messageId)
      await deps.transactions
        .claimPending(claimed, entry.nextAttemptAt, entry.attempts, '')
        .catch(() => false);
    throw error;
  }
  return { messageId, request };
}
