import { isFields } from '../../shared/domain/fields';
import { type GraphError, graphErrors } from './graphErrors';
import type { GraphCall, GraphReply, GraphState } from './graphState';
import { MAX_EXPIRATION_MINUTES, type Subscription, subscriptionJson } from './subscriptions';
import type { ResolvedUser } from './users';

const EVENTS_RESOURCE = /^\/?users\/([^/]+)\/events$/i;
const CHANGE_TYPES = new Set(['created', 'updated', 'deleted']);

const error = (graphError: GraphError): GraphReply => ({ kind: 'error', error: graphError });

const notFound = (): GraphReply =>
  error({ status: 404, code: 'ResourceNotFound', message: 'The object was not found.' });

/** The user named by a subscription's `resource` (`/users/{id}/events`), if it names one. */
export function subscribedUser(body: unknown): string | undefined {
  if (!isFields(body) || typeof body.resource !== 'string') return undefined;
  return EVENTS_RESOURCE.exec(body.resource)?.[1];
}

/** Loopback may be plain http (the local run); everywhere else Graph wants https. */
function acceptableUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  } catch {
    return false;
  }
}

function expiration(value: unknown, now: number): string | GraphError {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) return graphErrors.badRequest('expirationDateTime is required.');
  if (time <= now) return graphErrors.badRequest('Subscription expiration must be in the future.');
  if (time > now + MAX_EXPIRATION_MINUTES * 60_000)
    return graphErrors.badRequest(
      `Subscription expiration can only be ${MAX_EXPIRATION_MINUTES} minutes in the future.`,
    );
  return new Date(time).toISOString();
}

const validationFailed = (reason: string): GraphReply =>
  error({
    status: 400,
    code: 'ValidationError',
    message: `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request (${reason}).`,
  });

async function create(state: GraphState, call: GraphCall, resolved: ResolvedUser): Promise<GraphReply> {
  const { body } = call;
  if (!isFields(body) || !resolved.user) return error(graphErrors.badRequest('Invalid subscription.'));
  const changeTypes = typeof body.changeType === 'string' ? body.changeType.split(',') : [];
  if (changeTypes.length === 0 || !changeTypes.every((type) => CHANGE_TYPES.has(type)))
    return error(graphErrors.badRequest('changeType must be created, updated and/or deleted.'));
  if (!acceptableUrl(body.notificationUrl))
    return error(graphErrors.badRequest('The Notification Url must be HTTPS.'));
  const lifecycle = body.lifecycleNotificationUrl;
  if (lifecycle !== undefined && lifecycle !== null && !acceptableUrl(lifecycle))
    return error(graphErrors.badRequest('The Lifecycle Notification Url must be HTTPS.'));
  const expires = expiration(body.expirationDateTime, Date.now());
  if (typeof expires !== 'string') return error(expires);
  if (state.subscriptions.list(resolved.mailbox).length >= state.subscriptions.limitPerMailbox)
    return error({
      status: 403,
      code: 'ExtensionError',
      message:
        'Operation: Create; Exception: [Status Code: Forbidden; Reason: The maximum number of subscriptions for this mailbox has been reached.]',
    });
  for (const url of [body.notificationUrl, ...(typeof lifecycle === 'string' ? [lifecycle] : [])]) {
    const validation = await state.notifier.validate(url);
    if (!validation.ok) return validationFailed(validation.reason);
  }
  const subscription = state.subscriptions.add({
    resource: String(body.resource),
    changeType: changeTypes.join(','),
    clientState: typeof body.clientState === 'string' ? body.clientState : null,
    notificationUrl: body.notificationUrl,
    lifecycleNotificationUrl: typeof lifecycle === 'string' ? lifecycle : null,
    expirationDateTime: expires,
    applicationId: call.grant.clientId,
    creatorId: call.grant.clientId,
    latestSupportedTlsVersion: 'v1_2',
    includeResourceData: false,
    mailbox: resolved.mailbox,
    userId: resolved.user.id,
    tenantId: call.grant.tenantId,
  });
  return { kind: 'ok', status: 201, body: json(state, subscription) };
}

function json(state: GraphState, subscription: Subscription): Record<string, unknown> {
  return {
    '@odata.context': `${state.graphEndpoint}/v1.0/$metadata#subscriptions/$entity`,
    ...subscriptionJson(subscription),
  };
}

/** `/subscriptions`, `/subscriptions/{id}` and `/subscriptions/{id}/reauthorize`. */
export async function operateSubscriptions(
  state: GraphState,
  call: GraphCall,
  subscriptionId: string | undefined,
  resolved: ResolvedUser,
): Promise<GraphReply> {
  if (subscriptionId === undefined) return create(state, call, resolved);
  const subscription = state.subscriptions.get(subscriptionId);
  if (!subscription) return notFound();
  if (call.path.toLowerCase().endsWith('/reauthorize')) return { kind: 'ok', status: 204 };
  if (call.method === 'GET') return { kind: 'ok', status: 200, body: json(state, subscription) };
  if (call.method === 'DELETE') {
    state.subscriptions.delete(subscription.id);
    return { kind: 'ok', status: 204 };
  }
  const expires = expiration(isFields(call.body) ? call.body.expirationDateTime : undefined, Date.now());
  if (typeof expires !== 'string') return error(expires);
  subscription.expirationDateTime = expires;
  return { kind: 'ok', status: 200, body: json(state, subscription) };
}
