import { randomUUID } from 'node:crypto';
import type { EventChange } from './calendarJournal';
import type { LifecycleEvent, Subscription } from './subscriptions';

/** How long Graph waits for the answer to a validation request. */
const VALIDATION_TIMEOUT_MS = 10_000;
const DELIVERY_TIMEOUT_MS = 10_000;

export interface Delivery {
  readonly kind: 'notification' | 'lifecycle';
  readonly subscriptionId: string;
  readonly url: string;
  /** The webhook's status; 0 when it could not be reached. */
  readonly status: number;
}

export type ValidationOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function withQuery(url: string, name: string, value: string): string {
  const target = new URL(url);
  target.searchParams.set(name, value);
  return target.toString();
}

/** Posts what Graph posts to webhooks: validation requests, change and lifecycle notifications. */
export class Notifier {
  private readonly inFlight = new Set<Promise<void>>();
  readonly deliveries: Delivery[] = [];
  /** Mailboxes whose change notifications are lost on the way (lifecycle ones still arrive). */
  readonly losing = new Set<string>();
  validationTimeoutMs = VALIDATION_TIMEOUT_MS;

  /** Graph's handshake: the endpoint must echo `validationToken` as text/plain with 200 in time. */
  async validate(url: string): Promise<ValidationOutcome> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    try {
      const response = await fetch(withQuery(url, 'validationToken', token), {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(this.validationTimeoutMs),
      });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      if (response.status !== 200) return { ok: false, reason: `answered ${response.status}` };
      if (!type.toLowerCase().startsWith('text/plain'))
        return { ok: false, reason: `answered with Content-Type ${type || 'none'}, not text/plain` };
      if (text !== token) return { ok: false, reason: 'the answer did not echo the validationToken' };
      return { ok: true };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      return {
        ok: false,
        reason: name === 'TimeoutError' ? 'no answer within 10 seconds' : 'the URL is not reachable',
      };
    }
  }

  /** A change notification for each subscription on the event's mailbox (unless lost). */
  notifyChange(subscriptions: readonly Subscription[], eventId: string, change: EventChange, etag: string) {
    for (const subscription of subscriptions) {
      if (!subscription.changeType.split(',').includes(change)) continue;
      if (this.losing.has(subscription.mailbox)) continue;
      const resource = `Users/${subscription.userId}/Events/${eventId}`;
      this.post('notification', subscription, subscription.notificationUrl, {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        changeType: change,
        resource,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.Event',
          '@odata.id': resource,
          ...(change === 'deleted' ? {} : { '@odata.etag': etag }),
          id: eventId,
        },
        clientState: subscription.clientState,
        tenantId: subscription.tenantId,
      });
    }
  }

  /** A lifecycle notification, when the subscription has a lifecycle URL; resolves once delivered. */
  notifyLifecycle(subscription: Subscription, event: LifecycleEvent): Promise<void> {
    if (!subscription.lifecycleNotificationUrl) return Promise.resolve();
    return this.post('lifecycle', subscription, subscription.lifecycleNotificationUrl, {
      subscriptionId: subscription.id,
      subscriptionExpirationDateTime: subscription.expirationDateTime,
      tenantId: subscription.tenantId,
      clientState: subscription.clientState,
      lifecycleEvent: event,
    });
  }

  /** Resolves once every delivery started so far has been answered (or failed). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  reset(): void {
    this.deliveries.length = 0;
    this.losing.clear();
    this.validationTimeoutMs = VALIDATION_TIMEOUT_MS;
  }

  private post(kind: Delivery['kind'], subscription: Subscription, url: string, item: object): Promise<void> {
    const delivery = (async () => {
      let status = 0;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ value: [item] }),
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 0;
      }
      this.deliveries.push({ kind, subscriptionId: subscription.id, url, status });
    })();
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
    return delivery;
  }
}
