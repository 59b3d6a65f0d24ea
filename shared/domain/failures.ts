import type { Code } from './catalogue';

/** Base of every error the connector raises on purpose. */
export class ConnectorError extends Error {
  override readonly name: string = 'ConnectorError';
}

/** The token endpoint answered or failed. Raised by the Entra ID adapter, judged by the classifier. */
export class TokenEndpointError extends ConnectorError {
  override readonly name = 'TokenEndpointError';
  constructor(
    message: string,
    readonly details: {
      /** The AADSTS number, when Entra ID answered with one. */
      readonly aadsts?: number;
      /** The OAuth error (`invalid_client`, `unauthorized_client`, …). */
      readonly oauthError?: string;
      readonly httpStatus?: number;
      /** `timeout` and `network` mean no answer came. */
      readonly transport?: 'timeout' | 'network';
      readonly retryAfterMs?: number;
    },
  ) {
    super(message);
  }
}

/** A Microsoft Graph request failed. Raised by the Graph adapter, judged by the classifier. */
export class GraphRequestError extends ConnectorError {
  override readonly name = 'GraphRequestError';
  constructor(
    message: string,
    readonly details: {
      /** HTTP status; absent when no answer came (see `transport`). */
      readonly httpStatus?: number;
      readonly graphCode?: string;
      readonly transport?: 'timeout' | 'reset' | 'network';
      readonly retryAfterMs?: number;
      readonly requestId?: string;
    },
  ) {
    super(message);
  }
}

/**
 * The Function App's managed identity gave no token to present to Microsoft Entra ID: its endpoint
 * did not answer (`unavailable`), or the identity is not assigned to the app (`notAssigned`).
 */
export class ManagedIdentityError extends ConnectorError {
  override readonly name = 'ManagedIdentityError';
  constructor(
    message: string,
    readonly details: { readonly kind: 'unavailable' | 'notAssigned'; readonly httpStatus?: number },
  ) {
    super(message);
  }
}

/** A failure with its catalogue code decided. */
export class DiagnosedFailure extends ConnectorError {
  override readonly name: string = 'DiagnosedFailure';
  constructor(
    readonly code: Code,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Microsoft Entra ID rejected the credentials (DSEX001–006): the seed page's typed failure. It
 * carries the AADSTS number and the setting an administrator corrects.
 */
export class InvalidExchangeCredentialsException extends DiagnosedFailure {
  override readonly name = 'InvalidExchangeCredentialsException';
  constructor(
    code: Code,
    message: string,
    readonly aadsts: number | undefined,
    readonly setting: string | undefined,
  ) {
    super(code, message);
  }
}
