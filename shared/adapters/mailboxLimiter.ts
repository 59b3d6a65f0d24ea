interface MailboxLane {
  active: number;
  readonly waiting: Array<() => void>;
  /** No request to this mailbox before this time (ms since epoch): Graph's last Retry-After. */
  notBefore: number;
}

/**
 * Graph's per-mailbox manners within one instance: at most `maxConcurrent` requests in flight to a
 * mailbox ("MailboxConcurrency"), and none before a `Retry-After` that mailbox was given has passed.
 */
export class MailboxLimiter {
  private readonly lanes = new Map<string, MailboxLane>();

  constructor(private readonly maxConcurrent = 4) {}

  /** Milliseconds to wait before the mailbox may be called again (0 when it may be called now). */
  waitFor(mailbox: string, now = Date.now()): number {
    return Math.max(0, (this.lanes.get(mailbox.toLowerCase())?.notBefore ?? 0) - now);
  }

  holdOff(mailbox: string, retryAfterMs: number, now = Date.now()): void {
    const lane = this.lane(mailbox);
    lane.notBefore = Math.max(lane.notBefore, now + retryAfterMs);
  }

  async run<T>(mailbox: string, call: () => Promise<T>): Promise<T> {
    const lane = this.lane(mailbox);
    if (lane.active >= this.maxConcurrent) await new Promise<void>((resolve) => lane.waiting.push(resolve));
    lane.active++;
    try {
      return await call();
    } finally {
      lane.active--;
      lane.waiting.shift()?.();
      if (lane.active === 0 && lane.waiting.length === 0 && lane.notBefore < Date.now()) {
        this.lanes.delete(mailbox.toLowerCase());
      }
    }
  }

  private lane(mailbox: string): MailboxLane {
    const key = mailbox.toLowerCase();
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { active: 0, waiting: [], notBefore: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }
}
