import { Semaphore } from './semaphore';

interface MailboxLane {
  readonly slots: Semaphore;
  /** No request to this mailbox before this time (ms since epoch): Graph's last Retry-After. */
  notBefore: number;
}

/** How often lanes left idle after their Retry-After are dropped, so memory follows the busy mailboxes. */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * Graph's per-mailbox manners within one instance: at most `maxConcurrent` requests in flight to a
 * mailbox ("MailboxConcurrency"), and none before a `Retry-After` that mailbox was given has passed.
 */
export class MailboxLimiter {
  private readonly lanes = new Map<string, MailboxLane>();
  private lastSweep = 0;

  constructor(private readonly maxConcurrent = 4) {}

  /** Milliseconds to wait before the mailbox may be called again (0 when it may be called now). */
  waitFor(mailbox: string, now = Date.now()): number {
    return Math.max(0, (this.lanes.get(mailbox.toLowerCase())?.notBefore ?? 0) - now);
  }

  holdOff(mailbox: string, retryAfterMs: number, now = Date.now()): void {
    const lane = this.lane(mailbox);
    lane.notBefore = Math.max(lane.notBefore, now + retryAfterMs);
  }

  async run<T>(mailbox: string, call: () => Promise<T>, now: () => number = Date.now): Promise<T> {
    try {
      return await this.lane(mailbox).slots.run(call);
    } finally {
      this.sweep(now());
    }
  }

  /** Mailboxes tracked now (busy, waiting, or inside a Retry-After). */
  get size(): number {
    return this.lanes.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [key, lane] of this.lanes)
      if (lane.slots.idle && lane.notBefore <= now) this.lanes.delete(key);
  }

  private lane(mailbox: string): MailboxLane {
    const key = mailbox.toLowerCase();
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { slots: new Semaphore(this.maxConcurrent), notBefore: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }
}
