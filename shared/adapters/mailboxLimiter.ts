import { Semaphore } from './semaphore';

interface MailboxLane {
  readonly slots: Semaphore;
  /** No request to this mailbox before this time (ms since epoch): Graph's last Retry-After. */
  notBefore: number;
  /** Successes since the cap last changed. */
  successes: number;
  /** When the cap was last halved (ms since epoch). */
  lastHalvedAt: number;
}

/** Successes in a row, per slot of the current cap, before the cap is raised by one… */
const SUCCESSES_PER_RAISE = 8;
/** …and no sooner than this after it was last halved: other instances may still be writing. */
const QUIET_BEFORE_RAISE_MS = 10_000;

/** How often lanes left idle after their Retry-After are dropped, so memory follows the busy mailboxes. */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * Graph's per-mailbox manners within one instance: at most `maxConcurrent` requests in flight to a
 * mailbox ("MailboxConcurrency"), and none before a `Retry-After` that mailbox was given has passed.
 * Graph's limit of 4 is per mailbox across every caller, so when several instances write to one
 * mailbox the cap adapts (AIMD): each new Retry-After halves it (down to 1), and it grows back by one
 * after `SUCCESSES_PER_RAISE` × cap successes in a row and `QUIET_BEFORE_RAISE_MS` without a halving,
 * up to `maxConcurrent`.
 */
export class MailboxLimiter {
  private readonly lanes = new Map<string, MailboxLane>();
  private lastSweep = 0;

  constructor(
    private readonly maxConcurrent = 4,
    /** false keeps the cap at `maxConcurrent` (the fixed cap, for comparison in the benchmark). */
    private readonly adaptive = true,
  ) {}

  /** Milliseconds to wait before the mailbox may be called again (0 when it may be called now). */
  waitFor(mailbox: string, now = Date.now()): number {
    return Math.max(0, (this.lanes.get(mailbox.toLowerCase())?.notBefore ?? 0) - now);
  }

  /** The requests in flight a mailbox is allowed now. */
  capOf(mailbox: string): number {
    return this.lanes.get(mailbox.toLowerCase())?.slots.currentLimit ?? this.maxConcurrent;
  }

  /** Graph answered with a Retry-After: wait it out; a new one (not inside the last) halves the cap. */
  holdOff(mailbox: string, retryAfterMs: number, now = Date.now()): void {
    const lane = this.lane(mailbox);
    if (this.adaptive && now >= lane.notBefore) {
      lane.slots.setLimit(Math.max(1, Math.floor(lane.slots.currentLimit / 2)));
      lane.successes = 0;
      lane.lastHalvedAt = now;
    }
    lane.notBefore = Math.max(lane.notBefore, now + retryAfterMs);
  }

  /** Graph accepted a request to the mailbox: enough of them in a row raise the cap by one. */
  succeeded(mailbox: string, now = Date.now()): void {
    const lane = this.lanes.get(mailbox.toLowerCase());
    if (!this.adaptive || !lane) return;
    const cap = lane.slots.currentLimit;
    if (cap >= this.maxConcurrent) return;
    lane.successes++;
    if (lane.successes < SUCCESSES_PER_RAISE * cap || now - lane.lastHalvedAt < QUIET_BEFORE_RAISE_MS) return;
    lane.slots.setLimit(cap + 1);
    lane.successes = 0;
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
      lane = { slots: new Semaphore(this.maxConcurrent), notBefore: 0, successes: 0, lastHalvedAt: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }
}
