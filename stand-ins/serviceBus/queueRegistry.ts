import { randomUUID } from 'node:crypto';
import { DuplicateDetector, messageIdKey } from './duplicateDetector';
import { MessageQueue, sessionIdOf } from './messageQueue';
import type { AmqpErrorInfo, AmqpMessage } from './rheaAdapter';

export interface QueueSettings {
  readonly lockDurationMs: number;
  readonly maxDeliveryCount: number;
  readonly duplicateDetectionWindowMs: number;
  /** Names of the queues that require sessions (Bicep `requiresSession: true`). */
  readonly sessionQueues: readonly string[];
}

export interface QueueStats {
  readonly active: number;
  readonly locked: number;
  readonly deadLettered: number;
  readonly scheduled: number;
  readonly deferred: number;
  readonly sentTotal: number;
  readonly duplicatesDropped: number;
  /** Sessions whose lock is held now (0 on a queue without sessions). */
  readonly sessionsLocked: number;
}

const DEAD_LETTER_SUFFIX = '/$deadletterqueue';

/** What Service Bus answers a send without a session id to a session-enabled queue. */
export const SESSION_ID_MISSING: AmqpErrorInfo = {
  condition: 'amqp:not-allowed',
  description:
    'The SessionId was not set on a message, and it cannot be sent to the entity. Entities that have ' +
    'session support enabled can only receive messages that have the SessionId set to a valid value.',
};

/** A queue with its dead-letter sub-queue and what senders have done to it. */
export class Queue {
  readonly deadLetter: MessageQueue;
  readonly main: MessageQueue;
  private readonly duplicates: DuplicateDetector;
  private sentTotal = 0;
  private duplicatesDropped = 0;

  constructor(name: string, settings: QueueSettings) {
    this.deadLetter = new MessageQueue({ ...settings, name: `${name}${DEAD_LETTER_SUFFIX}` });
    const requiresSession = settings.sessionQueues.some((queue) => queue.toLowerCase() === name);
    this.main = new MessageQueue({ ...settings, name, deadLetterQueue: this.deadLetter, requiresSession });
    this.duplicates = new DuplicateDetector(settings.duplicateDetectionWindowMs);
  }

  /** Why Service Bus would refuse this message here, if it would. */
  refusal(message: AmqpMessage): AmqpErrorInfo | undefined {
    return this.main.sessions && sessionIdOf(message) === undefined ? SESSION_ID_MISSING : undefined;
  }

  /** Enqueues a sent message (held back if it carries a future scheduled time); undefined when it is a duplicate and was dropped. */
  accept(sent: AmqpMessage, now: number): number | undefined {
    // Service Bus gives every message an id; the SDK's settlement code relies on one being there.
    const message =
      sent.message_id === undefined ? { ...sent, message_id: randomUUID().replace(/-/g, '') } : sent;
    if (this.duplicates.isDuplicate(messageIdKey(message.message_id), now)) {
      this.duplicatesDropped += 1;
      return undefined;
    }
    this.sentTotal += 1;
    return this.main.enqueue(message, now).sequenceNumber;
  }

  stats(): QueueStats {
    const main = this.main.counts();
    return {
      active: main.active,
      locked: main.locked,
      deadLettered: this.deadLetter.counts().total,
      scheduled: main.scheduled,
      deferred: main.deferred,
      sentTotal: this.sentTotal,
      duplicatesDropped: this.duplicatesDropped,
      sessionsLocked: this.main.sessions?.lockedCount(Date.now()) ?? 0,
    };
  }

  dispose(): void {
    this.main.dispose();
    this.deadLetter.dispose();
  }
}

/** The namespace: queues made on first use, addressed as `<queue>` or `<queue>/$deadletterqueue`. */
export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly settings: QueueSettings) {}

  queue(name: string): Queue {
    const key = name.toLowerCase();
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(key, this.settings);
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** The sub-queue an AMQP address names, or undefined for an address that is not a queue. */
  resolve(address: string): { queue: Queue; subQueue: MessageQueue } | undefined {
    const path = entityPath(address);
    if (!path || path.startsWith('$')) return undefined;
    if (path.toLowerCase().endsWith(DEAD_LETTER_SUFFIX)) {
      const queue = this.queue(path.slice(0, -DEAD_LETTER_SUFFIX.length));
      return { queue, subQueue: queue.deadLetter };
    }
    if (path.includes('/')) return undefined;
    const queue = this.queue(path);
    return { queue, subQueue: queue.main };
  }

  dispose(): void {
    for (const queue of this.queues.values()) queue.dispose();
    this.queues.clear();
  }
}

/** `sb://host:port/queue` or `/queue` or `queue` → `queue`. */
function entityPath(address: string): string {
  const withoutScheme = address.replace(/^[a-z]+:\/\/[^/]*/i, '');
  return withoutScheme.replace(/^\/+/, '');
}
