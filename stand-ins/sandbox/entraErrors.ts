import { randomUUID } from 'node:crypto';
import { ASSERTION_REJECTIONS, type AssertionRejection } from './assertionErrors';

/** Why the token endpoint refuses a request it could read. */
export type EntraRejection =
  | 'expiredSecret'
  | 'invalidSecret'
  | 'unknownClient'
  | 'unknownTenant'
  | 'malformedTenant'
  | 'missingCredential'
  | 'disabledApp'
  | 'invalidAssertion'
  | AssertionRejection
  | 'missingParameter'
  | 'unsupportedGrantType'
  | 'invalidScope'
  | 'unknownResource';

/** Entra ID itself failing, as a scenario: throttling, errors, or no answer at all. */
export type EntraFailureKind = 'throttled' | 'serverError' | 'unavailable' | 'hang';

export interface EntraErrorReply {
  readonly status: number;
  readonly body: EntraErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

export interface EntraErrorBody {
  readonly error: string;
  readonly error_description: string;
  readonly error_codes: readonly number[];
  readonly timestamp: string;
  readonly trace_id: string;
  readonly correlation_id: string;
  readonly error_uri: string;
}

/** What the message of a rejection names. */
export interface RejectionContext {
  readonly clientId?: string;
  readonly tenant?: string;
  readonly appName?: string;
  readonly parameter?: string;
  readonly scope?: string;
  /** Of a client assertion: what it presented. */
  readonly thumbprint?: string;
  readonly issuer?: string;
  readonly subject?: string;
  readonly audience?: string;
  readonly reason?: string;
  readonly validity?: { readonly now: Date; readonly from: Date; readonly to: Date };
}

export interface ErrorDefinition<C> {
  readonly status: number;
  readonly error: string;
  readonly aadsts: number;
  readonly text: (context: C) => string;
}

const REJECTIONS: Readonly<Record<EntraRejection, ErrorDefinition<RejectionContext>>> = {
  ...ASSERTION_REJECTIONS,
  expiredSecret: {
    status: 401,
    error: 'invalid_client',
    aadsts: 7000222,
    text: (c) =>
      `The provided client secret keys for app '${c.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  },
  invalidSecret: {
    status: 401,
    error: 'invalid_client',
    aadsts: 7000215,
    text: (c) =>
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${c.clientId}'.`,
  },
  unknownClient: {
    status: 400,
    error: 'unauthorized_client',
    aadsts: 700016,
    text: (c) =>
      `Application with identifier '${c.clientId}' was not found in the directory '${c.tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  },
  unknownTenant: {
    status: 400,
    error: 'invalid_tenant',
    aadsts: 90002,
    text: (c) =>
      `Tenant '${c.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  },
  malformedTenant: {
    status: 400,
    error: 'invalid_request',
    aadsts: 900023,
    text: (c) =>
      `Specified tenant identifier '${c.tenant}' is neither a valid DNS name, nor a valid external domain.`,
  },
  // Entra answers a confidential client that sent no credential with 401, as for a wrong one.
  missingCredential: {
    status: 401,
    error: 'invalid_client',
    aadsts: 7000218,
    text: () =>
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  },
  disabledApp: {
    status: 400,
    error: 'unauthorized_client',
    aadsts: 7000112,
    text: (c) => `Application '${c.clientId}'(${c.appName}) is disabled.`,
  },
  invalidAssertion: {
    status: 401,
    error: 'invalid_client',
    aadsts: 700027,
    text: () => 'Client assertion failed signature validation.',
  },
  missingParameter: {
    status: 400,
    error: 'invalid_request',
    aadsts: 900144,
    text: (c) => `The request body must contain the following parameter: '${c.parameter}'.`,
  },
  unsupportedGrantType: {
    status: 400,
    error: 'unsupported_grant_type',
    aadsts: 70003,
    text: () => 'The app requested an unsupported grant type.',
  },
  invalidScope: {
    status: 400,
    error: 'invalid_scope',
    aadsts: 1002012,
    text: (c) =>
      `The provided value for scope ${c.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  },
  unknownResource: {
    status: 400,
    error: 'invalid_resource',
    aadsts: 500011,
    text: (c) =>
      `The resource principal named ${c.scope} was not found in the tenant named ${c.tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  },
};

const FAILURES: Readonly<Record<Exclude<EntraFailureKind, 'hang'>, ErrorDefinition<undefined>>> = {
  throttled: {
    status: 429,
    error: 'temporarily_unavailable',
    aadsts: 90055,
    text: () => 'There are too many incoming requests. Please try again later.',
  },
  serverError: {
    status: 500,
    error: 'server_error',
    aadsts: 50000,
    text: () => 'There was an error issuing a token or an issue with our sign-in service.',
  },
  unavailable: {
    status: 503,
    error: 'temporarily_unavailable',
    aadsts: 90033,
    text: () => 'A transient error has occurred. Please try again.',
  },
};

/** Entra's timestamp format: `2026-11-25 08:15:00Z`. */
function entraTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function errorReply<C>(
  definition: ErrorDefinition<C>,
  context: C,
  authorityHost: string,
  correlationId: string | undefined,
  headers: Readonly<Record<string, string>> = {},
): EntraErrorReply {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = entraTimestamp(new Date());
  return {
    status: definition.status,
    headers: { 'x-ms-request-id': traceId, ...headers },
    body: {
      error: definition.error,
      error_description: `AADSTS${definition.aadsts}: ${definition.text(context)}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [definition.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `${authorityHost}/error?code=${definition.aadsts}`,
    },
  };
}

export function rejectionReply(
  rejection: EntraRejection,
  context: RejectionContext,
  authorityHost: string,
  correlationId?: string,
): EntraErrorReply {
  return errorReply(REJECTIONS[rejection], context, authorityHost, correlationId);
}

export function failureReply(
  failure: Exclude<EntraFailureKind, 'hang'>,
  retryAfterSeconds: number,
  authorityHost: string,
  correlationId?: string,
): EntraErrorReply {
  return errorReply(FAILURES[failure], undefined, authorityHost, correlationId, {
    'Retry-After': String(retryAfterSeconds),
  });
}
