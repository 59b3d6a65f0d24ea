/**
 * Remembers message ids for a sliding window. Ids are recorded in arrival order, so expired ones
 * are always at the front of the map and pruning stops at the first live one.
 */
export class DuplicateDetector {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** Records the id and reports whether it was already seen inside the window. */
  isDuplicate(messageId: string | undefined, now: number): boolean {
    if (this.windowMs <= 0 || messageId === undefined) return false;
    this.prune(now);
    if (this.expiries.has(messageId)) return true;
    this.expiries.set(messageId, now + this.windowMs);
    return false;
  }

  private prune(now: number): void {
    for (const [id, expiresAt] of this.expiries) {
      if (expiresAt > now) return;
      this.expiries.delete(id);
    }
  }
}

/** A message id as a comparable key (AMQP allows strings, numbers, UUIDs and binary). */
export function messageIdKey(messageId: unknown): string | undefined {
  if (typeof messageId === 'string') return `s:${messageId}`;
  if (typeof messageId === 'number' || typeof messageId === 'bigint') return `n:${messageId}`;
  if (Buffer.isBuffer(messageId)) return `b:${messageId.toString('hex')}`;
  return undefined;
}
