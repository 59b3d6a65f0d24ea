import { newLockToken } from './lockToken';
import type { AmqpMessage } from './rheaAdapter';
import { SessionLocks } from './sessionLocks';

export type MessageState = 'active' | 'locked' | 'scheduled' | 'deferred';

export interface MessageLock {
  readonly lockToken: string;
  readonly deliveryTag: Buffer;
  lockedUntil: number;
}

export interface StoredMessage {
  readonly sequenceNumber: number;
  /** The message as the sender sent it, plus any properties changed by settlement. */
  message: AmqpMessage;
  enqueuedAt: number;
  /** Deliveries before the current one: the `delivery_count` header the receiver sees. */
  deliveryCount: number;
  state: MessageState;
  scheduledFor?: number;
  /** Set once deferred: a released lock then returns the message to `deferred`, not `active`. */
  deferred: boolean;
  lock?: MessageLock | undefined;
  timer?: NodeJS.Timeout | undefined;
}

export interface MessageQueueOptions {
  /** The entity path, recorded as the dead-letter source. */
  readonly name: string;
  readonly lockDurationMs: number;
  readonly maxDeliveryCount: number;
  /** Where dead-lettered messages go; absent for a dead-letter sub-queue itself. */
  readonly deadLetterQueue?: MessageQueue;
  /** Messages carry a session id and are received only through session locks. */
  readonly requiresSession?: boolean;
}

export interface DeadLetterDetails {
  readonly reason: string;
  readonly description: string;
  readonly propertiesToModify?: Record<string, unknown>;
}

export interface QueueCounts {
  readonly active: number;
  readonly locked: number;
  readonly scheduled: number;
  readonly deferred: number;
  readonly total: number;
}

export type SettleResult = 'settled' | 'lock-lost';

// setTimeout fires at once for delays above 2^31-1 ms; longer waits are re-armed.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * One queue (or dead-letter sub-queue): ordered by sequence number, with peek-lock locks, scheduled
 * and deferred messages. Sequence numbers only grow, so the map's insertion order is sequence order.
 */
export class MessageQueue {
  private readonly messages = new Map<number, StoredMessage>();
  /** Sequence numbers of `active` messages, ascending. */
  private readonly ready: number[] = [];
  private readonly locks = new Map<string, StoredMessage>();
  private readonly readyListeners = new Set<() => void>();
  private nextSequenceNumber = 1;
  /** The session locks, when the queue requires sessions. */
  readonly sessions: SessionLocks | undefined;

  constructor(private readonly options: MessageQueueOptions) {
    this.sessions = options.requiresSession
      ? new SessionLocks(options.lockDurationMs, (sessionId, now) => this.releaseSession(sessionId, now))
      : undefined;
  }

  get name(): string {
    return this.options.name;
  }

  /** Calls `listener` whenever a message becomes available; returns the unsubscribe function. */
  onReady(listener: () => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  enqueue(message: AmqpMessage, now: number, deliveryCount = 0): StoredMessage {
    const scheduledFor = scheduledEnqueueTime(message);
    if (scheduledFor !== undefined && scheduledFor > now) return this.schedule(message, scheduledFor);
    const stored = this.store(message, now, deliveryCount, 'active');
    this.makeReady(stored);
    return stored;
  }

  cancelScheduled(sequenceNumber: number): boolean {
    const stored = this.messages.get(sequenceNumber);
    if (stored?.state !== 'scheduled') return false;
    this.remove(stored);
    return true;
  }

  /**
   * The next active message (of `sessionId` only, when given): locked (peek-lock) or removed from the
   * queue (receive-and-delete).
   */
  take(now: number, peekLock: boolean, sessionId?: string): StoredMessage | undefined {
    const index =
      sessionId === undefined
        ? 0
        : this.ready.findIndex((sequence) => sessionIdOf(this.messages.get(sequence)?.message) === sessionId);
    const [sequenceNumber] = index < 0 ? [] : this.ready.splice(index, 1);
    const stored = sequenceNumber === undefined ? undefined : this.messages.get(sequenceNumber);
    if (!stored) return undefined;
    if (peekLock) this.lock(stored, now);
    else this.messages.delete(stored.sequenceNumber);
    return stored;
  }

  /** Locks deferred messages by sequence number (receiveDeferredMessages); others are skipped. */
  takeDeferred(sequenceNumbers: readonly number[], now: number, peekLock: boolean): StoredMessage[] {
    const taken: StoredMessage[] = [];
    for (const sequenceNumber of sequenceNumbers) {
      const stored = this.messages.get(sequenceNumber);
      if (stored?.state !== 'deferred') continue;
      if (peekLock) this.lock(stored, now);
      else this.remove(stored);
      taken.push(stored);
    }
    return taken;
  }

  /** The session of the oldest active message whose session nobody holds (accept-next-session). */
  nextFreeSession(now: number): string | undefined {
    for (const sequenceNumber of this.ready) {
      const sessionId = sessionIdOf(this.messages.get(sequenceNumber)?.message);
      if (sessionId !== undefined && !this.sessions?.isLocked(sessionId, now)) return sessionId;
    }
    return undefined;
  }

  complete(lockToken: string, now: number): SettleResult {
    const stored = this.liveLock(lockToken, now);
    if (!stored) return 'lock-lost';
    this.remove(stored);
    return 'settled';
  }

  abandon(lockToken: string, now: number, propertiesToModify?: Record<string, unknown>): SettleResult {
    const stored = this.liveLock(lockToken, now);
    if (!stored) return 'lock-lost';
    applyProperties(stored, propertiesToModify);
    this.release(stored, now);
    return 'settled';
  }

  defer(lockToken: string, now: number, propertiesToModify?: Record<string, unknown>): SettleResult {
    const stored = this.liveLock(lockToken, now);
    if (!stored) return 'lock-lost';
    applyProperties(stored, propertiesToModify);
    this.unlock(stored);
    stored.deferred = true;
    stored.deliveryCount += 1;
    stored.state = 'deferred';
    return 'settled';
  }

  deadLetter(lockToken: string, now: number, details: DeadLetterDetails): SettleResult {
    const stored = this.liveLock(lockToken, now);
    if (!stored) return 'lock-lost';
    applyProperties(stored, details.propertiesToModify);
    this.moveToDeadLetter(stored, now, details);
    return 'settled';
  }

  /** Extends the lock; undefined when the lock is gone. */
  renewLock(lockToken: string, now: number): number | undefined {
    const stored = this.liveLock(lockToken, now);
    if (!stored?.lock) return undefined;
    const sessionId = this.sessionIn(stored);
    if (sessionId !== undefined) return this.sessions?.lockedUntil(sessionId, now);
    stored.lock.lockedUntil = now + this.options.lockDurationMs;
    this.armLockExpiry(stored);
    return stored.lock.lockedUntil;
  }

  peek(fromSequenceNumber: number, count: number): StoredMessage[] {
    const peeked: StoredMessage[] = [];
    for (const stored of this.messages.values()) {
      if (peeked.length >= count) break;
      if (stored.sequenceNumber >= fromSequenceNumber) peeked.push(stored);
    }
    return peeked;
  }

  counts(): QueueCounts {
    const counts = { active: 0, locked: 0, scheduled: 0, deferred: 0, total: this.messages.size };
    for (const stored of this.messages.values()) counts[stored.state] += 1;
    return counts;
  }

  /** Clears every timer; the queue is unusable afterwards. */
  dispose(): void {
    this.sessions?.dispose();
    for (const stored of this.messages.values()) clearTimeout(stored.timer);
    this.messages.clear();
    this.locks.clear();
    this.ready.length = 0;
    this.readyListeners.clear();
  }

  private store(message: AmqpMessage, enqueuedAt: number, deliveryCount: number, state: MessageState) {
    const stored: StoredMessage = {
      sequenceNumber: this.nextSequenceNumber++,
      message,
      enqueuedAt,
      deliveryCount,
      state,
      deferred: false,
    };
    this.messages.set(stored.sequenceNumber, stored);
    return stored;
  }

  private schedule(message: AmqpMessage, at: number): StoredMessage {
    const stored = this.store(message, at, 0, 'scheduled');
    stored.scheduledFor = at;
    this.armActivation(stored);
    return stored;
  }

  private lock(stored: StoredMessage, now: number): void {
    const { lockToken, deliveryTag } = newLockToken();
    const sessionId = this.sessionIn(stored);
    // A session's messages are locked with the session: they expire and renew with its lock.
    const sessionLockedUntil =
      sessionId === undefined ? undefined : this.sessions?.lockedUntil(sessionId, now);
    stored.state = 'locked';
    stored.lock = {
      lockToken,
      deliveryTag,
      lockedUntil: sessionLockedUntil ?? now + this.options.lockDurationMs,
    };
    this.locks.set(lockToken, stored);
    if (sessionLockedUntil === undefined) this.armLockExpiry(stored);
  }

  /** The session a message belongs to here: none on a queue without sessions. */
  private sessionIn(stored: StoredMessage): string | undefined {
    return this.sessions ? sessionIdOf(stored.message) : undefined;
  }

  /**
   * The session's lock ended (let go or expired): its locked messages go back to the queue, and
   * receivers waiting for a free session hear of it even when none was locked (a holder that crashed
   * after accepting the session, before receiving from it).
   */
  private releaseSession(sessionId: string, now: number): void {
    for (const stored of [...this.locks.values()])
      if (sessionIdOf(stored.message) === sessionId) this.release(stored, now);
    const waiting = this.ready.some(
      (sequence) => sessionIdOf(this.messages.get(sequence)?.message) === sessionId,
    );
    if (waiting) this.notifyReady();
  }

  private liveLock(lockToken: string, now: number): StoredMessage | undefined {
    const stored = this.locks.get(lockToken);
    if (!stored?.lock) return undefined;
    const sessionId = this.sessionIn(stored);
    if (sessionId !== undefined && this.sessions) {
      // The session's expiry returns its messages; until then a lapsed session lock settles nothing.
      return this.sessions.isLocked(sessionId, now) ? stored : undefined;
    }
    if (stored.lock.lockedUntil <= now) {
      // The expiry timer has not run yet; the lock is already gone.
      this.release(stored, now);
      return undefined;
    }
    return stored;
  }

  private unlock(stored: StoredMessage): void {
    if (stored.lock) this.locks.delete(stored.lock.lockToken);
    stored.lock = undefined;
    clearTimeout(stored.timer);
    stored.timer = undefined;
  }

  /** Ends a delivery attempt that was not completed (abandon or lock expiry). */
  private release(stored: StoredMessage, now: number): void {
    this.unlock(stored);
    const attempts = stored.deliveryCount + 1;
    stored.deliveryCount = attempts;
    if (this.options.deadLetterQueue && attempts >= this.options.maxDeliveryCount) {
      this.moveToDeadLetter(stored, now, {
        reason: 'MaxDeliveryCountExceeded',
        description: `Message could not be consumed after ${attempts} delivery attempts.`,
      });
    } else if (stored.deferred) {
      stored.state = 'deferred';
    } else {
      this.makeReady(stored);
    }
  }

  private moveToDeadLetter(stored: StoredMessage, now: number, details: DeadLetterDetails): void {
    const target = this.options.deadLetterQueue;
    if (!target) {
      // A dead-letter sub-queue has nowhere further to send a message; it stays where it is.
      this.release(stored, now);
      return;
    }
    this.remove(stored);
    const message: AmqpMessage = {
      ...stored.message,
      application_properties: {
        ...stored.message.application_properties,
        DeadLetterReason: details.reason,
        DeadLetterErrorDescription: details.description,
      },
      message_annotations: {
        ...stored.message.message_annotations,
        'x-opt-deadletter-source': this.options.name,
      },
    };
    target.enqueue(message, now, stored.deliveryCount);
  }

  private makeReady(stored: StoredMessage): void {
    stored.state = 'active';
    this.ready.splice(insertionIndex(this.ready, stored.sequenceNumber), 0, stored.sequenceNumber);
    this.notifyReady();
  }

  private notifyReady(): void {
    for (const listener of [...this.readyListeners]) listener();
  }

  /** Drops a message that is not `active` (active ones leave through take()). */
  private remove(stored: StoredMessage): void {
    this.unlock(stored);
    this.messages.delete(stored.sequenceNumber);
  }

  private armLockExpiry(stored: StoredMessage): void {
    clearTimeout(stored.timer);
    const lock = stored.lock;
    if (!lock) return;
    stored.timer = setTimeout(() => {
      if (stored.lock === lock) this.release(stored, Date.now());
    }, lock.lockedUntil - Date.now()).unref();
  }

  private armActivation(stored: StoredMessage): void {
    const at = stored.scheduledFor ?? 0;
    stored.timer = setTimeout(
      () => {
        stored.timer = undefined;
        if (Date.now() < at) {
          this.armActivation(stored);
          return;
        }
        stored.enqueuedAt = Date.now();
        this.makeReady(stored);
      },
      Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_DELAY_MS),
    ).unref();
  }
}

/** The session id a message was sent with (the AMQP `group-id`), if any. */
export function sessionIdOf(message: AmqpMessage | undefined): string | undefined {
  const groupId = message?.group_id;
  return typeof groupId === 'string' && groupId !== '' ? groupId : undefined;
}

function scheduledEnqueueTime(message: AmqpMessage): number | undefined {
  const value = message.message_annotations?.['x-opt-scheduled-enqueue-time'];
  if (value instanceof Date) return value.getTime();
  return typeof value === 'number' ? value : undefined;
}

function applyProperties(stored: StoredMessage, properties: Record<string, unknown> | undefined): void {
  if (!properties || Object.keys(properties).length === 0) return;
  stored.message = {
    ...stored.message,
    application_properties: { ...stored.message.application_properties, ...properties },
  };
}

function insertionIndex(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
