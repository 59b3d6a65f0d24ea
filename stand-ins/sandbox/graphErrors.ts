import type { RecordedAnswer } from './recordedAnswer';

/** Failures a mailbox can be set to answer with. */
export type GraphFailureKind =
  | 'invalidUser'
  | 'mailboxNotEnabled'
  | 'accessDenied'
  | 'unauthorized'
  | 'itemNotFound'
  | 'throttled'
  | 'serverError'
  | 'unavailable'
  | 'gatewayTimeout'
  | 'reset';

/** Any other answer, e.g. one the connector cannot have a rule for. */
export interface CustomGraphFailure {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  readonly retryAfterSeconds?: number;
}

/** An answer recorded from Microsoft Graph, sent as it was (status, headers, body). */
export interface RecordedGraphFailure {
  readonly recorded: RecordedAnswer;
}

export type GraphFailure = GraphFailureKind | CustomGraphFailure | RecordedGraphFailure;

export interface GraphErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly innerError: {
      readonly date: string;
      readonly 'request-id': string;
      readonly 'client-request-id': string;
    };
  };
}

/** An answer before it gets its request ids. */
export interface GraphError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

const DEFAULT_RETRY_AFTER_SECONDS = 2;

export const graphErrors = {
  invalidUser: (user: string): GraphError => ({
    status: 404,
    code: 'ErrorInvalidUser',
    message: `The requested user '${user}' is invalid.`,
  }),
  /** GET /users/{id} is answered by the directory, not by Exchange. */
  userNotFound: (user: string): GraphError => ({
    status: 404,
    code: 'Request_ResourceNotFound',
    message: `Resource '${user}' does not exist or one of its queried reference-property objects are not present.`,
  }),
  itemNotFound: (): GraphError => ({
    status: 404,
    code: 'ErrorItemNotFound',
    message: 'The specified object was not found in the store.',
  }),
  badRequest: (message: string): GraphError => ({ status: 400, code: 'BadRequest', message }),
  methodNotAllowed: (): GraphError => ({
    status: 405,
    code: 'Request_BadRequest',
    message: 'Specified HTTP method is not allowed for the request target.',
  }),
  noToken: (): GraphError => ({
    status: 401,
    code: 'InvalidAuthenticationToken',
    message: 'Access token is empty.',
  }),
  malformedToken: (): GraphError => ({
    status: 401,
    code: 'InvalidAuthenticationToken',
    message: 'CompactToken parsing failed with error code: 80049217',
  }),
  expiredToken: (): GraphError => ({
    status: 401,
    code: 'InvalidAuthenticationToken',
    message: 'Lifetime validation failed, the token is expired.',
  }),
  throttled: (limit: string, retryAfterSeconds: number): GraphError => ({
    status: 429,
    code: 'ApplicationThrottled',
    message: `Application is over its ${limit} limit.`,
    retryAfterSeconds,
  }),
} as const;

/** The answer a failure scenario gives; `reset`, `invalidUser` and recorded answers are handled by the caller. */
export function failureError(
  failure: Exclude<GraphFailure, 'reset' | 'invalidUser' | RecordedGraphFailure>,
  retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
): GraphError {
  if (typeof failure === 'object') {
    return {
      status: failure.status,
      code: failure.code,
      message: failure.message ?? failure.code,
      ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
    };
  }
  switch (failure) {
    case 'mailboxNotEnabled':
      return {
        status: 404,
        code: 'MailboxNotEnabledForRESTAPI',
        message: 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
      };
    case 'accessDenied':
      return {
        status: 403,
        code: 'ErrorAccessDenied',
        message: 'Access is denied. Check credentials and try again.',
      };
    case 'unauthorized':
      return {
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: 'Access token validation failure. Invalid audience.',
      };
    case 'itemNotFound':
      return graphErrors.itemNotFound();
    case 'throttled':
      return graphErrors.throttled('MailboxConcurrency', retryAfterSeconds);
    case 'serverError':
      return {
        status: 500,
        code: 'InternalServerError',
        message: 'An internal server error occurred. The operation failed.',
      };
    case 'unavailable':
      return {
        status: 503,
        code: 'ServiceUnavailable',
        message: 'The service is temporarily unavailable. Please retry later.',
        retryAfterSeconds,
      };
    case 'gatewayTimeout':
      return {
        status: 504,
        code: 'UnknownError',
        message: 'The gateway did not receive a response in time.',
      };
  }
}

export function graphErrorBody(
  error: GraphError,
  requestId: string,
  clientRequestId: string,
): GraphErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId,
      },
    },
  };
}
