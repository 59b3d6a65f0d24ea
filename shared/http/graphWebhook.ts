import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { connector, operationalLog } from '../connector';
import { recordMailboxOutcome } from '../domain/exchangeChangeRows';
import { sortNotifications } from '../domain/graphNotification';
import { rowDependencies } from '../twoWayAccess';

/** Graph allows 10 s for the handshake and wants notifications acknowledged fast; this stays far below. */
const MAX_BODY_CHARS = 1_000_000;
/** Subscription ids named in a DSEX074 row (the rest are counted): the ids come from the sender. */
const REJECTIONS_NAMED = 3;
const PLAIN = {
  'content-type': 'text/plain; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};
const CHANNELS = new Set(['notifications', 'lifecycle']);

/**
 * `POST graph/notifications` and `graph/lifecycle`: Microsoft Graph's webhook. Anonymous (Graph cannot
 * send a function key); what authenticates a notification is its clientState, checked on every item.
 * It answers the validation handshake, enqueues accepted notifications and returns 202. No Graph call.
 */
export async function graphWebhook(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  if (!CHANNELS.has(request.params.channel ?? '')) return { status: 404 };
  const validationToken = request.query.get('validationToken');
  if (validationToken !== null) return { status: 200, headers: PLAIN, body: validationToken };
  const instance = connector();
  const log = operationalLog(context, instance.secrets);
  const twoWay = instance.twoWay();
  if (!twoWay.ok || !twoWay.value) {
    log.error('graph notification dropped', { reason: 'two-way sync is not configured' });
    return { status: 202 };
  }
  const text = await request.text();
  let body: unknown;
  try {
    body = text.length <= MAX_BODY_CHARS ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const sorted = sortNotifications(body, twoWay.value.settings.clientState);
  if (!sorted) return { status: 400, headers: PLAIN, body: 'Expected a notification collection.' };
  if (sorted.accepted.length > 0) {
    // Scheduled ahead: a write of the connector's in flight is recorded before the delta reads it.
    const { notificationDelaySeconds } = twoWay.value.settings;
    const scheduledAt = new Date(Date.now() + notificationDelaySeconds * 1000);
    await twoWay.value.enqueue(
      sorted.accepted.map((message) => ({
        messageId: randomUUID(),
        body: message,
        ...(notificationDelaySeconds > 0 ? { scheduledAt } : {}),
      })),
    );
  }
  if (sorted.rejected.length > 0) {
    // One row per day for the webhook, whatever the sender posts: a flood adds Attempts, not rows.
    const named = sorted.rejected.slice(0, REJECTIONS_NAMED).map((id) => id.slice(0, 64));
    const more = sorted.rejected.length - named.length;
    await recordMailboxOutcome(
      rowDependencies(instance, log),
      'the Graph webhook',
      'DSEX074',
      `${sorted.rejected.length} notification(s) carried a clientState that is not GRAPH_CLIENT_STATE and were dropped (subscription ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}).`,
    );
    log.info('graph notifications rejected', { count: sorted.rejected.length });
  }
  return { status: 202 };
}
