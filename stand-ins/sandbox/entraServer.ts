import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AssertionJudge, judgeClientAssertion } from './clientAssertions';
import type { EntraCounters } from './counters';
import { type Directory, isWellFormedTenant, type Tenant } from './directory';
import { instanceDiscovery, openIdConfiguration } from './entraDiscovery';
import {
  type EntraErrorReply,
  type EntraFailureKind,
  type EntraRejection,
  failureReply,
  type RejectionContext,
  rejectionReply,
} from './entraErrors';
import { readBody, sendJson } from './http';
import type { RequestHandler } from './httpsServer';
import type { Pauses } from './pauses';
import { type RecordedAnswer, sendRecorded } from './recordedAnswer';
import type { Scenarios } from './scenarios';
import type { AccessTokens } from './tokens';

export type EntraFailureScenario =
  | { readonly kind: EntraFailureKind; readonly retryAfterSeconds: number }
  | { readonly kind: 'recorded'; readonly answer: RecordedAnswer };

/** The one key token-endpoint scenarios are stored under. */
export const TOKEN_ENDPOINT = 'token endpoint';

export interface EntraState {
  readonly directory: Directory;
  readonly tokens: AccessTokens;
  readonly counters: EntraCounters;
  readonly failures: Scenarios<EntraFailureScenario>;
  readonly pauses: Pauses;
  readonly tokenLifetimeSeconds: number;
  /** How client assertions are judged: the issuer's keys, the CA, a clock skew. */
  readonly assertions: AssertionJudge;
  /** https://localhost:<port>, known once the server listens. */
  authorityHost: string;
  graphEndpoint: string;
}

const MAX_FORM_BYTES = 64 * 1024;
/** Microsoft Graph's application id, which Entra also accepts as its resource identifier. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const RESPONSE_HEADERS = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' };

type TenantLookup = { tenant: Tenant } | { rejection: EntraRejection; context: RejectionContext };

function lookUpTenant(state: EntraState, segment: string): TenantLookup {
  let reference: string;
  try {
    reference = decodeURIComponent(segment);
  } catch {
    return { rejection: 'malformedTenant', context: { tenant: segment } };
  }
  if (!isWellFormedTenant(reference)) return { rejection: 'malformedTenant', context: { tenant: reference } };
  const tenant = state.directory.findTenant(reference);
  return tenant ? { tenant } : { rejection: 'unknownTenant', context: { tenant: reference } };
}

function sendError(response: ServerResponse, reply: EntraErrorReply): void {
  sendJson(response, reply.status, reply.body, { ...RESPONSE_HEADERS, ...reply.headers });
}

function basicCredentials(request: IncomingMessage): { clientId?: string; secret?: string } {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return {};
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return {};
  }
}

function isGraphResource(state: EntraState, resource: string): boolean {
  const normalized = resource.replace(/\/+$/, '').toLowerCase();
  return (
    normalized === state.graphEndpoint.toLowerCase() ||
    normalized === 'https://graph.microsoft.com' ||
    normalized === GRAPH_APP_ID
  );
}

type TokenDecision =
  | { readonly rejection: EntraRejection; readonly context: RejectionContext }
  | { readonly clientId: string; readonly tenant: Tenant };

/** Entra's checks in roughly the order it makes them. */
function decide(
  state: EntraState,
  tenantSegment: string,
  form: URLSearchParams,
  request: IncomingMessage,
): TokenDecision {
  const lookup = lookUpTenant(state, tenantSegment);
  if ('rejection' in lookup) return lookup;
  const { tenant } = lookup;
  const basic = basicCredentials(request);
  const grantType = form.get('grant_type');
  if (!grantType) return { rejection: 'missingParameter', context: { parameter: 'grant_type' } };
  if (grantType !== 'client_credentials') return { rejection: 'unsupportedGrantType', context: {} };
  const clientId = form.get('client_id') ?? basic.clientId;
  if (!clientId) return { rejection: 'missingParameter', context: { parameter: 'client_id' } };
  const app = state.directory.app(clientId);
  if (!app) return { rejection: 'unknownClient', context: { clientId, tenant: tenant.tenantId } };
  if (app.disabled) return { rejection: 'disabledApp', context: { clientId, appName: app.displayName } };
  const secret = form.get('client_secret') ?? basic.secret;
  if (!secret && form.get('client_assertion')) {
    const tokenEndpoint = `${state.authorityHost}/${tenantSegment}/oauth2/v2.0/token`;
    const verdict = judgeClientAssertion(state.assertions, app, tenant, form, tokenEndpoint);
    if (verdict) return verdict;
  } else if (!secret) {
    return { rejection: 'missingCredential', context: { clientId } };
  } else {
    const secretState = app.secrets.get(secret);
    if (!secretState) return { rejection: 'invalidSecret', context: { clientId } };
    if (secretState.expired) return { rejection: 'expiredSecret', context: { clientId } };
  }
  const scope = form.get('scope');
  if (!scope) return { rejection: 'missingParameter', context: { parameter: 'scope' } };
  const scopes = scope.split(' ').filter(Boolean);
  const single = scopes.length === 1 ? scopes[0] : undefined;
  if (!single?.endsWith('/.default')) return { rejection: 'invalidScope', context: { scope } };
  const resource = single.slice(0, -'/.default'.length);
  if (!isGraphResource(state, resource))
    return { rejection: 'unknownResource', context: { scope: resource, tenant: tenant.tenantId } };
  return { clientId: app.clientId, tenant };
}

async function token(
  state: EntraState,
  tenantSegment: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  state.counters.recordTokenRequest();
  const correlationId = headerValue(request, 'client-request-id');
  const form = new URLSearchParams(await readBody(request, MAX_FORM_BYTES));
  const failure = state.failures.take(TOKEN_ENDPOINT);
  if (failure?.kind === 'hang') {
    state.counters.recordTokenOutcome('hang');
    await state.pauses.hold();
  } else if (failure?.kind === 'recorded') {
    state.counters.recordTokenOutcome('recorded');
    sendRecorded(response, failure.answer);
    return;
  } else if (failure) {
    state.counters.recordTokenOutcome(failure.kind);
    sendError(
      response,
      failureReply(failure.kind, failure.retryAfterSeconds, state.authorityHost, correlationId),
    );
    return;
  }
  const decision = decide(state, tenantSegment, form, request);
  if ('rejection' in decision) {
    state.counters.recordTokenOutcome(decision.rejection);
    sendError(
      response,
      rejectionReply(decision.rejection, decision.context, state.authorityHost, correlationId),
    );
    return;
  }
  state.counters.recordTokenOutcome('issued');
  const lifetime = state.tokenLifetimeSeconds;
  sendJson(
    response,
    200,
    {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: state.tokens.issue(decision.clientId, decision.tenant.tenantId, lifetime),
    },
    RESPONSE_HEADERS,
  );
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Microsoft Entra ID's token endpoint, OpenID configuration and instance discovery. */
export function entraRequestHandler(state: EntraState): RequestHandler {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', state.authorityHost);
    const [tenantSegment = '', ...rest] = url.pathname.split('/').filter(Boolean);
    const endpoint = rest.join('/');
    if (request.method === 'GET' && tenantSegment === 'common' && endpoint === 'discovery/instance') {
      state.counters.recordDiscovery();
      sendJson(response, 200, instanceDiscovery(state, url), RESPONSE_HEADERS);
      return;
    }
    if (request.method === 'POST' && endpoint === 'oauth2/v2.0/token') {
      await token(state, tenantSegment, request, response);
      return;
    }
    if (request.method === 'GET' && endpoint === 'discovery/v2.0/keys') {
      sendJson(response, 200, state.assertions.issuerKeys.jwks(), RESPONSE_HEADERS);
      return;
    }
    if (request.method === 'GET' && endpoint === 'v2.0/.well-known/openid-configuration') {
      state.counters.recordDiscovery();
      const lookup = lookUpTenant(state, tenantSegment);
      if ('rejection' in lookup)
        sendError(response, rejectionReply(lookup.rejection, lookup.context, state.authorityHost));
      else sendJson(response, 200, openIdConfiguration(state, lookup.tenant), RESPONSE_HEADERS);
      return;
    }
    sendJson(response, 404, { error: 'not_found', error_description: `No such endpoint: ${url.pathname}` });
  };
}
