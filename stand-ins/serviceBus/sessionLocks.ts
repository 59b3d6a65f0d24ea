/** Whoever holds a session lock: told when the lock ran out before it was renewed or let go. */
export interface SessionHolder {
  lockLost(): void;
}

interface SessionEntry {
  holder: SessionHolder | undefined;
  lockedUntil: number;
  timer: NodeJS.Timeout | undefined;
  /** What `set-session-state` stored; survives the lock. */
  state: Buffer | undefined;
}

/**
 * The session locks of one session-enabled queue: one holder per session id at a time, for one lock
 * duration unless renewed. A lock that runs out (its holder crashed or stopped renewing) is taken from
 * the holder, and `onReleased` returns the session's locked messages to the queue.
 */
export class SessionLocks {
  private readonly entries = new Map<string, SessionEntry>();

  constructor(
    private readonly lockDurationMs: number,
    private readonly onReleased: (sessionId: string, now: number) => void,
  ) {}

  /** Whether another holder has a live lock on the session. */
  isLocked(sessionId: string, now: number): boolean {
    const entry = this.entries.get(sessionId);
    return entry?.holder !== undefined && entry.lockedUntil > now;
  }

  /** Whether `holder` has the session's live lock. */
  holds(sessionId: string, holder: SessionHolder, now: number): boolean {
    return this.isLocked(sessionId, now) && this.entries.get(sessionId)?.holder === holder;
  }

  /** When the live lock ends; undefined when nobody holds one. */
  lockedUntil(sessionId: string, now: number): number | undefined {
    return this.isLocked(sessionId, now) ? this.entries.get(sessionId)?.lockedUntil : undefined;
  }

  /** Locks the session for `holder`; undefined when someone else holds it. */
  lock(sessionId: string, holder: SessionHolder, now: number): number | undefined {
    if (this.isLocked(sessionId, now)) return undefined;
    // A lock that ran out before its timer fired (a busy event loop) ends first, as the timer would
    // end it: its messages go back to the queue in order, before the new holder receives any.
    const lapsed = this.entries.get(sessionId);
    if (lapsed?.holder) this.expire(sessionId, lapsed, now);
    // Whoever the released messages woke may have taken the session meanwhile.
    if (this.isLocked(sessionId, now)) return undefined;
    const entry = this.entry(sessionId);
    entry.holder = holder;
    return this.extend(sessionId, entry, now);
  }

  /** Extends a live lock by one duration; undefined when it is gone. */
  renew(sessionId: string, now: number): number | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry || !this.isLocked(sessionId, now)) return undefined;
    return this.extend(sessionId, entry, now);
  }

  /** The holder lets go (its link closed): the session is free at once. */
  release(sessionId: string, holder: SessionHolder, now: number): void {
    const entry = this.entries.get(sessionId);
    if (entry?.holder !== holder) return;
    this.unlock(sessionId, entry, now);
  }

  getState(sessionId: string): Buffer | undefined {
    return this.entries.get(sessionId)?.state;
  }

  setState(sessionId: string, state: Buffer | undefined): void {
    this.entry(sessionId).state = state;
  }

  /** Sessions locked now. */
  lockedCount(now: number): number {
    return [...this.entries.keys()].filter((id) => this.isLocked(id, now)).length;
  }

  dispose(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
  }

  private entry(sessionId: string): SessionEntry {
    let entry = this.entries.get(sessionId);
    if (!entry) {
      entry = { holder: undefined, lockedUntil: 0, timer: undefined, state: undefined };
      this.entries.set(sessionId, entry);
    }
    return entry;
  }

  private extend(sessionId: string, entry: SessionEntry, now: number): number {
    entry.lockedUntil = now + this.lockDurationMs;
    clearTimeout(entry.timer);
    const holder = entry.holder;
    entry.timer = setTimeout(() => {
      if (entry.holder === holder && holder) this.expire(sessionId, entry, Date.now());
    }, this.lockDurationMs).unref();
    return entry.lockedUntil;
  }

  /** The lock ran out unrenewed: the session is free and its holder is told. */
  private expire(sessionId: string, entry: SessionEntry, now: number): void {
    const { holder } = entry;
    this.unlock(sessionId, entry, now);
    holder?.lockLost();
  }

  private unlock(sessionId: string, entry: SessionEntry, now: number): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.holder = undefined;
    entry.lockedUntil = 0;
    if (entry.state === undefined) this.entries.delete(sessionId);
    this.onReleased(sessionId, now);
  }
}
