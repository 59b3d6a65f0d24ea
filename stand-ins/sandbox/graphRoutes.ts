import type { ThrottleReason } from './counters';
import { failureError, type GraphError, graphErrors } from './graphErrors';
import { noSuchUser, operate, type Route } from './graphOperations';
import {
  type GraphCall,
  type GraphReply,
  type GraphState,
  type MailboxFailureScenario,
  replyStatus,
} from './graphState';
import { subscribedUser } from './subscriptionOperations';
import type { TokenGrant } from './tokens';
import type { ResolvedUser } from './users';

const ALLOWED_METHODS: Readonly<Record<Route['resource'], ReadonlySet<string>>> = {
  user: new Set(['GET']),
  events: new Set(['GET', 'POST']),
  event: new Set(['GET', 'PATCH', 'DELETE']),
  delta: new Set(['GET']),
  subscriptions: new Set(['GET', 'POST', 'PATCH', 'DELETE']),
};

const THROTTLED_LIMIT_NAMES: Readonly<Record<Exclude<ThrottleReason, 'scenario'>, string>> = {
  mailboxConcurrency: 'MailboxConcurrency',
  requestLimit: 'RequestsPerMailbox',
};

const error = (graphError: GraphError): GraphReply => ({ kind: 'error', error: graphError });

function decodeSegments(path: string): string[] | undefined {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** The path as logged: decoded, so `room%40contoso.example` reads as the address. */
function readablePath(version: string, path: string): string {
  try {
    return `/${version}${decodeURIComponent(path)}`;
  } catch {
    return `/${version}${path}`;
  }
}

/** `/subscriptions[/{id}[/reauthorize]]`: the user is the one its resource names. */
function subscriptionRoute(
  state: GraphState,
  call: GraphCall,
  segments: readonly string[],
): Route | GraphError {
  const [, id, action, extra] = segments;
  if (extra !== undefined || (action !== undefined && action.toLowerCase() !== 'reauthorize'))
    return graphErrors.badRequest(`Resource not found for the segment '${extra ?? action}'.`);
  if (id === undefined) {
    if (call.method !== 'POST') return graphErrors.methodNotAllowed();
    return { resource: 'subscriptions', user: subscribedUser(call.body) ?? '' };
  }
  const stored = state.subscriptions.get(id);
  return { resource: 'subscriptions', user: stored?.mailbox ?? '', subscriptionId: id };
}

function routeOf(state: GraphState, call: GraphCall): Route | GraphError {
  const segments = decodeSegments(call.path);
  if (segments?.[0]?.toLowerCase() === 'subscriptions') return subscriptionRoute(state, call, segments);
  return matchRoute(call.path);
}

function matchRoute(path: string): Route | GraphError {
  const segments = decodeSegments(path);
  if (!segments) return graphErrors.badRequest('The request URI is not valid.');
  const [collection, user, navigation, eventId, extra] = segments;
  const isDelta = navigation?.toLowerCase() === 'calendarview' && eventId?.toLowerCase() === 'delta';
  if (collection?.toLowerCase() === 'users' && user !== undefined && isDelta && extra === undefined)
    return { resource: 'delta', user };
  if (collection?.toLowerCase() !== 'users' || user === undefined)
    return graphErrors.badRequest(`Resource not found for the segment '${collection ?? ''}'.`);
  if (navigation === undefined) return { resource: 'user', user };
  if (navigation.toLowerCase() !== 'events' || extra !== undefined)
    return graphErrors.badRequest(`Resource not found for the segment '${extra ?? navigation}'.`);
  return eventId === undefined ? { resource: 'events', user } : { resource: 'event', user, eventId };
}

/** The mailbox a request addresses, as counters and scenarios name it; undefined for unroutable paths. */
export function addressedMailbox(state: GraphState, path: string, grant: TokenGrant): string | undefined {
  const route = matchRoute(path);
  return 'resource' in route ? state.users.resolve(route.user, grant.tenantId).mailbox : undefined;
}

function scenarioReply(state: GraphState, scenario: MailboxFailureScenario, route: Route): GraphReply {
  const { failure, retryAfterSeconds } = scenario;
  if (failure === 'reset') return { kind: 'reset' };
  if (failure === 'invalidUser') return noSuchUser(route);
  if (typeof failure === 'object' && 'recorded' in failure)
    return { kind: 'recorded', answer: failure.recorded };
  const graphError = failureError(failure, retryAfterSeconds);
  if (graphError.status === 429) state.counters.recordThrottled('scenario');
  return error(graphError);
}

/** Admission against Graph's limits, the mailbox's scenario, latency, then the operation itself. */
async function answer(
  state: GraphState,
  call: GraphCall,
  route: Route,
  resolved: ResolvedUser,
): Promise<GraphReply> {
  const { mailbox } = resolved;
  const latency = state.latencyMs + (state.mailboxLatencyMs.get(mailbox) ?? 0);
  const admission = state.limits.admit(call.grant.clientId, mailbox);
  state.counters.observeConcurrency(mailbox, admission.inFlight);
  if (!admission.admitted) {
    state.counters.recordThrottled(admission.reason);
    await state.pauses.delay(latency);
    return error(graphErrors.throttled(THROTTLED_LIMIT_NAMES[admission.reason], admission.retryAfterSeconds));
  }
  const admittedAt = performance.now();
  try {
    const scenario = state.failures.take(mailbox);
    await state.pauses.delay(latency);
    return scenario ? scenarioReply(state, scenario, route) : await operate(state, call, route, resolved);
  } finally {
    admission.release();
    state.counters.recordHeld(performance.now() - admittedAt);
  }
}

/** Logs a request refused before it was routed (no or a bad token): it still reached the mailbox's URL. */
export function logRefused(
  state: GraphState,
  method: string,
  version: string,
  path: string,
  status: number,
): void {
  const route = matchRoute(path);
  const mailbox = 'resource' in route ? route.user.toLowerCase() : undefined;
  state.counters.arrived(method, readablePath(version, path), mailbox, false).status = status;
}

/** Answers one Graph request, counting and logging it. */
export async function executeGraphCall(state: GraphState, call: GraphCall): Promise<GraphReply> {
  const route = routeOf(state, call);
  const logPath = readablePath(call.version, call.path);
  if (!('resource' in route)) {
    const entry = state.counters.arrived(call.method, logPath, undefined, call.inBatch);
    entry.status = route.status;
    return error(route);
  }
  const resolved = state.users.resolve(route.user, call.grant.tenantId);
  const entry = state.counters.arrived(call.method, logPath, resolved.mailbox, call.inBatch);
  const reply = ALLOWED_METHODS[route.resource].has(call.method)
    ? await answer(state, call, route, resolved)
    : error(graphErrors.methodNotAllowed());
  entry.status = replyStatus(reply);
  entry.retryAfterSeconds = reply.kind === 'error' ? reply.error.retryAfterSeconds : undefined;
  return reply;
}
