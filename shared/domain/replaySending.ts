import { replayMessageId } from './ids';
import type { PendingReplay, ReplaySender, TransactionStore } from './ports';
import { MAX_REPLAY_TRANSACTIONS } from './replayClaims';
import type { ReplayRequest } from './replayMessage';
import { nextAttemptAt } from './retryPolicy';

export interface ReplaySendingDependencies {
  readonly transactions: TransactionStore;
  readonly sender: ReplaySender;
}

/** The entries of each appointment, in transaction order, in groups of at most one request's worth. */
function replayGroups(entries: readonly PendingReplay[]): PendingReplay[][] {
  const byAppointment = new Map<string, PendingReplay[]>();
  for (const entry of entries)
    byAppointment.set(entry.appointmentId, [...(byAppointment.get(entry.appointmentId) ?? []), entry]);
  const groups: PendingReplay[][] = [];
  for (const group of byAppointment.values()) {
    const sorted = [...group].sort((a, b) => a.transactionId.localeCompare(b.transactionId));
    for (let start = 0; start < sorted.length; start += MAX_REPLAY_TRANSACTIONS)
      groups.push(sorted.slice(start, start + MAX_REPLAY_TRANSACTIONS));
  }
  return groups;
}

/**
 * After a failed send, the next pass may take the claimed rows at once instead of after backoff;
 * the claim's attempt is taken back, since nothing was replayed.
 */
async function releaseClaims(
  deps: ReplaySendingDependencies,
  claimed: readonly PendingReplay[],
  now: Date,
): Promise<void> {
  const rows = await deps.transactions.listPending().catch(() => [] as PendingReplay[]);
  const ids = new Set(claimed.map((e) => e.transactionId));
  await Promise.all(
    rows
      .filter((row) => ids.has(row.transactionId))
      .map((row) => deps.transactions.claimPending(row, now, row.attempts - 1, '').catch(() => false)),
  );
}

/**
 * Claims each chosen row under its ETag with the message id it will be replayed by (so overlapping
 * passes never both send, and the processor knows the replay for the connector's own), then sends
 * one replay per appointment (per {@link MAX_REPLAY_TRANSACTIONS} rows of it) with a deterministic
 * message id (so the queue drops a repeat).
 */
export async function sendReplays(
  deps: ReplaySendingDependencies,
  chosen: readonly PendingReplay[],
  now: Date,
) {
  const claimed: PendingReplay[] = [];
  let lostClaims = 0;
  const messages: { messageId: string; body: ReplayRequest }[] = [];
  for (const entries of replayGroups(chosen)) {
    const [first] = entries;
    if (!first) continue;
    const messageId = replayMessageId(first.transactionId, first.attempts);
    const won: PendingReplay[] = [];
    for (const entry of entries) {
      const next = nextAttemptAt(now, entry.attempts + 1);
      if (await deps.transactions.claimPending(entry, next, entry.attempts + 1, messageId)) won.push(entry);
      else lostClaims++;
    }
    if (won.length === 0) continue;
    claimed.push(...won);
    messages.push({
      messageId,
      body: {
        kind: 'replay',
        appointmentId: first.appointmentId,
        transactionIds: won.map((e) => e.transactionId),
        reason: 'retry pass',
      },
    });
  }
  try {
    if (messages.length > 0) await deps.sender.send(messages);
  } catch (error) {
    await releaseClaims(deps, claimed, now);
    throw error;
  }
  return { sent: claimed.length, lostClaims, appointments: messages.length };
}
