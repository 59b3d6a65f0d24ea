import { replayMessageId } from './ids';
import type { PendingReplay, ReplaySender, TransactionStore } from './ports';
import type { ReplayRequest } from './replayMessage';
import { nextAttemptAt } from './retryPolicy';

export interface ReplaySendingDependencies {
  readonly transactions: TransactionStore;
  readonly sender: ReplaySender;
}

function groupByAppointment(entries: readonly PendingReplay[]): Map<string, PendingReplay[]> {
  const groups = new Map<string, PendingReplay[]>();
  for (const entry of entries)
    groups.set(entry.appointmentId, [...(groups.get(entry.appointmentId) ?? []), entry]);
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
      .map((row) => deps.transactions.claimPending(row, now, row.attempts - 1).catch(() => false)),
  );
}

/**
 * Claims each chosen row under its ETag (so overlapping passes never both send), then sends one
 * replay per appointment with a deterministic message id (so the queue drops a repeat).
 */
export async function sendReplays(
  deps: ReplaySendingDependencies,
  chosen: readonly PendingReplay[],
  now: Date,
) {
  const claimed: PendingReplay[] = [];
  let lostClaims = 0;
  const messages: { messageId: string; body: ReplayRequest }[] = [];
  for (const [appointmentId, entries] of groupByAppointment(chosen)) {
    const won: PendingReplay[] = [];
    for (const entry of entries) {
      if (await deps.transactions.claimPending(entry, nextAttemptAt(now, entry.attempts + 1)))
        won.push(entry);
      else lostClaims++;
    }
    const [first] = [...won].sort((a, b) => a.transactionId.localeCompare(b.transactionId));
    if (!first) continue;
    claimed.push(...won);
    messages.push({
      messageId: replayMessageId(first.transactionId, first.attempts),
      body: {
        kind: 'replay',
        appointmentId,
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
