import { isFields } from '../../shared/domain/fields';
import type { CalendarEvent } from './calendars';
import { type ExpandedProperties, expanded, expandedProperties, propertyFilter } from './eventQuery';
import { graphErrors } from './graphErrors';
import type { GraphCall, GraphReply, GraphState } from './graphState';
import { operateSubscriptions } from './subscriptionOperations';
import type { GraphUser, ResolvedUser } from './users';

/** What a request addresses, once its path is understood. */
export type Route =
  | { readonly resource: 'user'; readonly user: string }
  | { readonly resource: 'events'; readonly user: string }
  | { readonly resource: 'event'; readonly user: string; readonly eventId: string }
  | { readonly resource: 'delta'; readonly user: string }
  /** `user` is the one the subscription's resource names (from the body, or the stored subscription). */
  | { readonly resource: 'subscriptions'; readonly user: string; readonly subscriptionId?: string };

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 1000;
const EMPTY_PAYLOAD = graphErrors.badRequest('Empty Payload. JSON content expected.');
const INVALID_QUERY: GraphReply = {
  kind: 'error',
  error: graphErrors.badRequest('Invalid filter clause or expand clause.'),
};

/** A shallow copy is enough: an update replaces top-level properties, it never edits nested ones. */
function eventJson(
  state: GraphState,
  mailbox: string,
  event: CalendarEvent,
  expand?: ExpandedProperties,
): Record<string, unknown> {
  return {
    '@odata.context': `${state.graphEndpoint}/v1.0/$metadata#users('${mailbox}')/events/$entity`,
    '@odata.etag': `W/"${event.changeKey}"`,
    ...event,
    ...expanded(state.calendars.properties.of(`${mailbox}\n${event.id}`), expand),
  };
}

function listEvents(state: GraphState, mailbox: string, query: URLSearchParams): GraphReply {
  const expand = expandedProperties(query);
  const filter = propertyFilter(query);
  if (expand === 'invalid' || filter === 'invalid') return INVALID_QUERY;
  const top = Math.min(
    MAX_PAGE_SIZE,
    Math.max(1, Number(query.get('$top') ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE),
  );
  const select = query
    .get('$select')
    ?.split(',')
    .map((name) => name.trim());
  const value = state.calendars
    .list(mailbox)
    .filter((event) => {
      if (!filter) return true;
      const found = state.calendars.properties.find(`${mailbox}\n${event.id}`, filter.id);
      return found !== undefined && (filter.value === undefined || found.value === filter.value);
    })
    .slice(0, top)
    .map((event) => {
      const json: Record<string, unknown> = {
        '@odata.etag': `W/"${event.changeKey}"`,
        ...event,
        ...expanded(state.calendars.properties.of(`${mailbox}\n${event.id}`), expand),
      };
      if (!select) return json;
      return Object.fromEntries(
        Object.entries(json).filter(
          ([name]) =>
            name === 'id' ||
            name === '@odata.etag' ||
            name === 'singleValueExtendedProperties' ||
            select.includes(name),
        ),
      );
    });
  return {
    kind: 'ok',
    status: 200,
    body: { '@odata.context': `${state.graphEndpoint}/v1.0/$metadata#users('${mailbox}')/events`, value },
  };
}

function userJson(state: GraphState, user: GraphUser): Record<string, unknown> {
  return {
    '@odata.context': `${state.graphEndpoint}/v1.0/$metadata#users/$entity`,
    businessPhones: [],
    displayName: user.displayName,
    givenName: null,
    jobTitle: null,
    mail: user.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

/** The directory answers for a user, Exchange for a mailbox's events. */
export function noSuchUser(route: Route): GraphReply {
  const error =
    route.resource === 'user' ? graphErrors.userNotFound(route.user) : graphErrors.invalidUser(route.user);
  return { kind: 'error', error };
}

const ITEM_NOT_FOUND: GraphReply = { kind: 'error', error: graphErrors.itemNotFound() };

/** The user, event list or event operation itself, once the request is admitted. */
export function operate(
  state: GraphState,
  call: GraphCall,
  route: Route,
  resolved: ResolvedUser,
): GraphReply | Promise<GraphReply> {
  const { mailbox, user } = resolved;
  if (route.resource === 'subscriptions' && route.subscriptionId !== undefined)
    return operateSubscriptions(state, call, route.subscriptionId, resolved);
  if (!user) return noSuchUser(route);
  if (route.resource === 'user') return { kind: 'ok', status: 200, body: userJson(state, user) };
  if (route.resource === 'subscriptions') return operateSubscriptions(state, call, undefined, resolved);
  if (route.resource === 'delta') return state.delta.query(mailbox, route.user, call.query);
  if (route.resource === 'events') {
    if (call.method === 'GET') return listEvents(state, mailbox, call.query);
    if (!isFields(call.body)) return { kind: 'error', error: EMPTY_PAYLOAD };
    const { event, created } = state.calendars.create(mailbox, call.body, user.displayName);
    if (created && event.transactionId !== null) state.counters.recordCreated(mailbox, event.transactionId);
    return { kind: 'ok', status: 201, body: eventJson(state, mailbox, event) };
  }
  if (call.method === 'DELETE')
    return state.calendars.delete(mailbox, route.eventId) ? { kind: 'ok', status: 204 } : ITEM_NOT_FOUND;
  const expand = expandedProperties(call.query);
  if (expand === 'invalid') return INVALID_QUERY;
  const found = (event: CalendarEvent | undefined): GraphReply =>
    event ? { kind: 'ok', status: 200, body: eventJson(state, mailbox, event, expand) } : ITEM_NOT_FOUND;
  if (call.method === 'GET') return found(state.calendars.get(mailbox, route.eventId));
  if (!isFields(call.body)) return { kind: 'error', error: EMPTY_PAYLOAD };
  return found(state.calendars.update(mailbox, route.eventId, call.body));
}
