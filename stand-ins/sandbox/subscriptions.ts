import { randomUUID } from 'node:crypto';

/** Graph's limit for Outlook events without resource data. */
export const MAX_EXPIRATION_MINUTES = 10_080;

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

/** A change-notification subscription as Graph returns it, plus where it points. */
export interface Subscription {
  readonly id: string;
  readonly resource: string;
  readonly changeType: string;
  readonly clientState: string | null;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  readonly applicationId: string;
  readonly creatorId: string;
  readonly latestSupportedTlsVersion: 'v1_2';
  readonly includeResourceData: false;
  /** Not part of Graph's answer: the mailbox and user id the resource names, and the tenant. */
  readonly mailbox: string;
  readonly userId: string;
  readonly tenantId: string;
}

/** The subscriptions of every mailbox; an expired one is gone, as Graph deletes it. */
export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();
  /** Subscriptions one mailbox may have (Graph: 1,000). */
  limitPerMailbox = 1000;

  add(fields: Omit<Subscription, 'id'>): Subscription {
    const subscription = { id: randomUUID(), ...fields };
    this.byId.set(subscription.id, subscription);
    return subscription;
  }

  get(id: string, now = Date.now()): Subscription | undefined {
    const subscription = this.byId.get(id.toLowerCase());
    if (subscription && Date.parse(subscription.expirationDateTime) <= now) {
      this.byId.delete(subscription.id);
      return undefined;
    }
    return subscription;
  }

  delete(id: string): boolean {
    return this.byId.delete(id.toLowerCase());
  }

  /** Active subscriptions, of one mailbox or all. */
  list(mailbox?: string, now = Date.now()): Subscription[] {
    return [...this.byId.values()].filter(
      (s) => this.get(s.id, now) !== undefined && (mailbox === undefined || s.mailbox === mailbox),
    );
  }

  clear(): void {
    this.byId.clear();
    this.limitPerMailbox = 1000;
  }
}

/** The public shape: what Graph answers for a subscription. */
export function subscriptionJson(subscription: Subscription): Record<string, unknown> {
  const { mailbox: _mailbox, userId: _userId, tenantId: _tenantId, ...json } = subscription;
  return json;
}
