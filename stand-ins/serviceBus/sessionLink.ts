import { ConsumerLink } from './consumerLink';
import type { MessageQueue } from './messageQueue';
import {
  answerAttach,
  attachProperty,
  describeSession,
  holdAttach,
  refuseLink,
  type ServerSender,
} from './rheaAdapter';
import type { SessionHolder, SessionLocks } from './sessionLocks';

const SESSION_LOCK_LOST = {
  condition: 'com.microsoft:session-lock-lost',
  description: 'The session lock has expired on the MessageSession. Accept a new MessageSession.',
} as const;

/**
 * A session receiver: the attach is answered once the link holds a session lock (the one it named,
 * or for accept-next-session the oldest session with an active message nobody holds, waiting for one
 * up to the client's timeout). Then it hands out that session's messages only, until the peer
 * detaches (the session is free at once) or the lock runs out unrenewed (the link is closed with
 * `session-lock-lost`). A connection that drops keeps the lock until it runs out, as for a crashed host.
 */
export class SessionLink implements SessionHolder {
  private consumer: ConsumerLink | undefined;
  private sessionId: string | undefined;
  private stopWaiting: (() => void) | undefined;
  private detached = false;

  constructor(
    private readonly sender: ServerSender,
    private readonly queue: MessageQueue,
    private readonly sessions: SessionLocks,
    requested: string | null,
    maxWaitMs: number,
  ) {
    holdAttach(sender);
    sender.on('sender_close', () => this.onPeerDetach());
    if (requested !== null) {
      if (!this.tryLock(requested)) {
        this.refuse(
          'com.microsoft:session-cannot-be-locked',
          `The session '${requested}' is locked by another receiver.`,
        );
      }
      return;
    }
    if (this.tryNext()) return;
    const waitMs = Math.min(maxWaitMs, attachProperty(sender, 'com.microsoft:timeout') ?? maxWaitMs);
    const timer = setTimeout(() => {
      this.stopWaiting?.();
      this.refuse('com.microsoft:timeout', 'No unlocked session with messages became available in time.');
    }, waitMs);
    const unsubscribe = queue.onReady(() => {
      if (this.tryNext()) this.stopWaiting?.();
    });
    this.stopWaiting = () => {
      clearTimeout(timer);
      unsubscribe();
      this.stopWaiting = undefined;
    };
  }

  lockLost(): void {
    this.sessionId = undefined;
    this.consumer?.detach();
    this.consumer = undefined;
    if (this.sender.is_open()) refuseLink(this.sender, SESSION_LOCK_LOST);
  }

  /** The connection went away: stop handing out messages; the session lock runs out on its own. */
  detach(): void {
    this.detached = true;
    this.stopWaiting?.();
    this.consumer?.detach();
  }

  private tryNext(): boolean {
    if (this.detached) return false;
    const sessionId = this.queue.nextFreeSession(Date.now());
    return sessionId !== undefined && this.tryLock(sessionId);
  }

  private tryLock(sessionId: string): boolean {
    const lockedUntil = this.sessions.lock(sessionId, this, Date.now());
    if (lockedUntil === undefined) return false;
    this.sessionId = sessionId;
    describeSession(this.sender, sessionId, lockedUntil);
    answerAttach(this.sender);
    this.consumer = new ConsumerLink(this.sender, this.queue, {
      id: sessionId,
      held: () => this.sessions.holds(sessionId, this, Date.now()),
    });
    return true;
  }

  private refuse(condition: string, description: string): void {
    describeSession(this.sender, undefined, Date.now());
    answerAttach(this.sender);
    refuseLink(this.sender, { condition, description });
  }

  private onPeerDetach(): void {
    this.detach();
    if (this.sessionId !== undefined) this.sessions.release(this.sessionId, this, Date.now());
  }
}
