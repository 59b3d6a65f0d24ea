import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { connector, operationalLog } from '../connector';
import { recordMailboxOutcome } from '../domain/exchangeChangeRows';
import { sortNotifications } from '../domain/graphNotification';

/** Graph allows 10 s for the handshake and wants notifications acknowledged fast; this stays far below. */
const MAX_BODY_CHARS = 1_000_000;
/** At most this many rejections are recorded per request, so a flood cannot flood the table too. */
const MAX_REJECTIONS_RECORDED = 10;
const PLAIN = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };

/**
 * `POST graph/notifications` and `graph/lifecycle`: Microsoft Graph's webhook. Anonymous (Graph cannot
 * send a function key); what authenticates a notification is its clientState, checked on every item.
 * It answers the validation handshake, enqueues accepted notifications and returns 202. No Graph call.
 */
export async function graphWebhook(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
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
  if (sorted.accepted.length > 0)
    await twoWay.value.enqueue(
      sorted.accepted.map((message) => ({ messageId: randomUUID(), body: message })),
    );
  const rows = {
    transactions: instance.stores.transactions,
    log,
    secrets: instance.secrets,
    now: () => new Date(),
  };
  for (const subscriptionId of sorted.rejected.slice(0, MAX_REJECTIONS_RECORDED)) {
    const about = `subscription ${subscriptionId.slice(0, 64)}`;
    await recordMailboxOutcome(
      rows,
      about,
      'DSEX074',
      `A notification for ${about} carried a clientState that is not GRAPH_CLIENT_STATE; it was dropped.`,
    );
  }
  if (sorted.rejected.length > 0) log.info('graph notifications rejected', { count: sorted.rejected.length });
  return { status: 202 };
}
