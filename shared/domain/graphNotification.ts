import { createHash, timingSafeEqual } from 'node:crypto';
import { isFields } from './fields';

/** What goes on EXCHANGE_NOTIFICATIONS_QUEUE: never the clientState, never event details. */
export type NotificationMessage =
  | { readonly kind: 'change'; readonly subscriptionId: string; readonly changeType: string }
  | { readonly kind: 'lifecycle'; readonly subscriptionId: string; readonly lifecycleEvent: LifecycleEvent }
  /** A resource first synced or was enabled: subscribe its mailbox (the resource's, for busy blocks). */
  | { readonly kind: 'watch'; readonly mailbox: string; readonly resourceId?: string }
  /** A resource was disabled: remove its mailbox's subscription. */
  | { readonly kind: 'unwatch'; readonly mailbox: string };

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

const LIFECYCLE_EVENTS = new Set<string>(['reauthorizationRequired', 'subscriptionRemoved', 'missed']);

export interface SortedNotifications {
  readonly accepted: NotificationMessage[];
  /** Subscription ids of notifications whose clientState was not the connector's. */
  readonly rejected: string[];
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Compared as SHA-256 digests, so the time taken tells neither the secret's bytes nor its length. */
function sameSecret(given: unknown, expected: string): boolean {
  return typeof given === 'string' && timingSafeEqual(digest(given), digest(expected));
}

/**
 * Graph's POST body (`{ value: [...] }`) sorted into queue messages and rejections; undefined when the
 * body is not a notification collection at all. Each item's clientState is compared in constant time.
 */
export function sortNotifications(body: unknown, clientState: string): SortedNotifications | undefined {
  if (!isFields(body) || !Array.isArray(body.value)) return undefined;
  const accepted: NotificationMessage[] = [];
  const rejected: string[] = [];
  for (const item of body.value as unknown[]) {
    if (!isFields(item) || typeof item.subscriptionId !== 'string') continue;
    const { subscriptionId } = item;
    if (!sameSecret(item.clientState, clientState)) {
      rejected.push(subscriptionId);
      continue;
    }
    if (typeof item.lifecycleEvent === 'string') {
      if (LIFECYCLE_EVENTS.has(item.lifecycleEvent))
        accepted.push({
          kind: 'lifecycle',
          subscriptionId,
          lifecycleEvent: item.lifecycleEvent as LifecycleEvent,
        });
      continue;
    }
    // One delta run per subscription and POST: it reads every change since the last one anyway.
    if (accepted.some((m) => m.kind === 'change' && m.subscriptionId === subscriptionId)) continue;
    accepted.push({
      kind: 'change',
      subscriptionId,
      changeType: typeof item.changeType === 'string' ? item.changeType : 'updated',
    });
  }
  return { accepted, rejected };
}

/** A queue message read back; undefined for anything else. */
export function parseNotificationMessage(body: unknown): NotificationMessage | undefined {
  if (!isFields(body)) return undefined;
  if (body.kind === 'watch' && typeof body.mailbox === 'string' && body.mailbox)
    return {
      kind: 'watch',
      mailbox: body.mailbox,
      ...(typeof body.resourceId === 'string' && body.resourceId ? { resourceId: body.resourceId } : {}),
    };
  if (body.kind === 'unwatch' && typeof body.mailbox === 'string' && body.mailbox)
    return { kind: 'unwatch', mailbox: body.mailbox };
  if (typeof body.subscriptionId !== 'string') return undefined;
  if (body.kind === 'change')
    return { kind: 'change', subscriptionId: body.subscriptionId, changeType: String(body.changeType ?? '') };
  if (
    body.kind === 'lifecycle' &&
    typeof body.lifecycleEvent === 'string' &&
    LIFECYCLE_EVENTS.has(body.lifecycleEvent)
  )
    return {
      kind: 'lifecycle',
      subscriptionId: body.subscriptionId,
      lifecycleEvent: body.lifecycleEvent as LifecycleEvent,
    };
  return undefined;
}
