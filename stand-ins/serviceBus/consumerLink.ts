import { randomBytes } from 'node:crypto';
import { brokeredMessage } from './brokeredMessage';
import type { MessageQueue, SettleResult } from './messageQueue';
import {
  completeDrain,
  creditLimit,
  deliveryOf,
  OUTCOME_EVENTS,
  type OutgoingDelivery,
  type RemoteOutcome,
  type ServerSender,
  sendMessage,
  sessionHasRoom,
  wantsPresettled,
  wrapOutgoing,
} from './rheaAdapter';

const LOCK_LOST = {
  condition: 'com.microsoft:message-lock-lost',
  description:
    'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
} as const;

/**
 * A receiver attached to a queue: the emulator's sending end of it. Hands out messages within the
 * peer's credit, answers drain requests, and turns the peer's outcomes into queue operations.
 */
export class ConsumerLink {
  private readonly peekLock: boolean;
  /** Transfers handed to rhea, counted the way the peer counts deliveries. */
  private sentCount = 0;
  private grantedUpTo = 0;
  /** Lock token of each unsettled peek-lock delivery, by delivery id. */
  private readonly lockTokens = new Map<number, string>();
  private readonly stopListening: () => void;
  private detached = false;

  /** `session`: hands out only that session's messages, and only while the link holds its lock. */
  constructor(
    private readonly sender: ServerSender,
    private readonly queue: MessageQueue,
    private readonly session?: { readonly id: string; held(): boolean },
  ) {
    this.peekLock = !wantsPresettled(sender);
    this.grantedUpTo = creditLimit(sender);
    this.stopListening = queue.onReady(() => this.pump());
    sender.on('sender_flow', () => {
      this.grantedUpTo = creditLimit(sender);
      this.pump();
    });
    sender.on('sender_draining', () => this.onDrain());
    sender.on('sendable', () => this.pump());
    for (const event of OUTCOME_EVENTS) {
      sender.on(event, (context) => {
        const raw = deliveryOf(context);
        if (raw) this.onOutcome(wrapOutgoing(raw));
      });
    }
  }

  /** Stops taking messages; locks already given out run until settled or expired. */
  detach(): void {
    this.detached = true;
    this.stopListening();
    this.lockTokens.clear();
  }

  /** Runs after the flow that asked for the drain has been served: any credit left is used up. */
  private onDrain(): void {
    this.sentCount = this.grantedUpTo;
    completeDrain(this.sender);
  }

  private pump(): void {
    while (
      !this.detached &&
      (this.session?.held() ?? true) &&
      this.sentCount < this.grantedUpTo &&
      this.sender.is_open() &&
      sessionHasRoom(this.sender)
    ) {
      const stored = this.queue.take(Date.now(), this.peekLock, this.session?.id);
      if (!stored) return;
      const tag = stored.lock?.deliveryTag ?? randomBytes(16);
      const delivery = sendMessage(this.sender, brokeredMessage(stored), tag);
      this.sentCount += 1;
      if (stored.lock) this.lockTokens.set(delivery.id, stored.lock.lockToken);
    }
  }

  private onOutcome(delivery: OutgoingDelivery): void {
    const outcome = delivery.remoteOutcome;
    const lockToken = this.lockTokens.get(delivery.id);
    if (!outcome || lockToken === undefined) return;
    this.lockTokens.delete(delivery.id);
    const result = this.settle(lockToken, outcome);
    delivery.settle(result === 'settled' ? { accepted: true } : { rejected: LOCK_LOST });
  }

  private settle(lockToken: string, outcome: RemoteOutcome): SettleResult {
    const now = Date.now();
    switch (outcome.kind) {
      case 'accepted':
        return this.queue.complete(lockToken, now);
      case 'released':
        return this.queue.abandon(lockToken, now);
      case 'modified':
        return outcome.undeliverableHere
          ? this.queue.defer(lockToken, now, outcome.annotations)
          : this.queue.abandon(lockToken, now, outcome.annotations);
      case 'rejected': {
        const { DeadLetterReason, DeadLetterErrorDescription, ...propertiesToModify } = outcome.info;
        return this.queue.deadLetter(lockToken, now, {
          reason: typeof DeadLetterReason === 'string' ? DeadLetterReason : (outcome.condition ?? ''),
          description:
            typeof DeadLetterErrorDescription === 'string'
              ? DeadLetterErrorDescription
              : (outcome.description ?? ''),
          propertiesToModify,
        });
      }
    }
  }
}
