import {
  AuthError,
  ConfidentialClientApplication,
  type INetworkModule,
  InteractionRequiredAuthError,
  type NetworkRequestOptions,
  type NetworkResponse,
  ServerError,
} from '@azure/msal-node';
import type { ExchangeCredentials } from '../domain/credentials';
import { TokenEndpointError } from '../domain/failures';
import type { TokenProvider } from '../domain/ports';
import { credentialsFingerprint } from '../settings';
import { FederatedAssertions } from './federatedAssertions';
import { msalCredential } from './msalCredential';

export interface EntraTokenProviderOptions {
  /** How long one request to Microsoft Entra ID may take before it counts as a transient failure. */
  readonly requestTimeoutMs?: number;
}

/**
 * MSAL's network client, with the timeout MSAL lacks (a hung token endpoint would hang the call).
 * MSAL turns any error of it into a bare `network_error`, so it keeps its last transport failure.
 */
class TimedNetworkClient implements INetworkModule {
  lastFailure: { at: number; error: TokenEndpointError } | undefined;
  /** The last error answer: MSAL keeps neither its headers nor, for some errors, its status. */
  lastErrorAnswer: ErrorAnswer | undefined;

  constructor(private readonly timeoutMs: number) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'GET', options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'POST', options);
  }

  private async send<T>(
    url: string,
    method: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: options?.headers ?? {},
        ...(options?.body ? { body: options.body } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const failure = new TokenEndpointError(
        timedOut
          ? `no answer from ${new URL(url).host} within ${this.timeoutMs} ms`
          : `cannot reach ${new URL(url).host} (${describeCause(error)})`,
        { transport: timedOut ? 'timeout' : 'network' },
      );
      this.lastFailure = { at: Date.now(), error: failure };
      throw failure;
    }
    const text = await response.text();
    if (response.status >= 400) this.lastErrorAnswer = errorAnswer(response);
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : emptyBody(response.status);
    } catch {
      body = {
        error: 'invalid_response',
        error_description: `HTTP ${response.status} with a body that is not JSON`,
      };
    }
    return {
      headers: Object.fromEntries(response.headers.entries()),
      body: body as T,
      status: response.status,
    };
  }
}

interface ErrorAnswer {
  readonly at: number;
  readonly status: number;
  readonly retryAfterMs?: number;
}

function errorAnswer(response: Response): ErrorAnswer {
  const header = response.headers.get('retry-after');
  const seconds = header ? Number(header) : Number.NaN;
  return {
    at: Date.now(),
    status: response.status,
    ...(Number.isFinite(seconds) && seconds >= 0 ? { retryAfterMs: seconds * 1000 } : {}),
  };
}

/** An error answer without a body (a gateway's 504) is still an answer MSAL must see as an error. */
function emptyBody(status: number): object {
  return status >= 400
    ? { error: 'invalid_response', error_description: `HTTP ${status} with an empty body` }
    : {};
}

function describeCause(error: unknown): string {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  if (cause instanceof Error)
    return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  return String(cause);
}

/** Entra ID endpoints built from the authority host, so MSAL makes no discovery request in any cloud. */
function authorityMetadata(authority: string): string {
  return JSON.stringify({
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    issuer: `${authority}/v2.0`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
  });
}

/** MSAL renews a cached token this long before it expires (its `tokenRenewalOffsetSeconds`). */
const TOKEN_RENEWAL_OFFSET_MS = 300_000;

/**
 * App-only tokens for Microsoft Graph through MSAL: one client application per credentials
 * fingerprint, so tokens are cached and a corrected secret gets a fresh application.
 */
export class EntraTokenProvider implements TokenProvider {
  private readonly applications = new Map<
    string,
    { application: ConfidentialClientApplication; network: TimedNetworkClient }
  >();
  /** One token request in flight per credentials: a burst of changes waits for the same answer. */
  private readonly inFlight = new Map<string, Promise<string>>();
  /**
   * The last token per credentials until MSAL itself would renew it: MSAL's own cache lookup
   * (and its log lines) cost more CPU than the Graph request the token is for.
   */
  private readonly tokens = new Map<string, { token: string; renewAt: number }>();
  private readonly timeoutMs: number;
  private readonly assertions: FederatedAssertions;

  constructor(options: EntraTokenProviderOptions = {}) {
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.assertions = new FederatedAssertions(this.timeoutMs);
  }

  /** The managed identity tokens held as client assertions: secrets no row or log line may show. */
  assertionsInUse(): string[] {
    return this.assertions.values();
  }

  acquireToken(credentials: ExchangeCredentials): Promise<string> {
    const fingerprint = credentialsFingerprint(credentials);
    const cached = this.tokens.get(fingerprint);
    if (cached && Date.now() < cached.renewAt) return Promise.resolve(cached.token);
    let pending = this.inFlight.get(fingerprint);
    if (!pending) {
      pending = this.request(credentials, fingerprint).finally(() => this.inFlight.delete(fingerprint));
      this.inFlight.set(fingerprint, pending);
    }
    return pending;
  }

  private async request(credentials: ExchangeCredentials, fingerprint: string): Promise<string> {
    const { application, network } = this.application(credentials, fingerprint);
    const started = Date.now();
    try {
      const result = await application.acquireTokenByClientCredential({
        scopes: [`${credentials.graphEndpoint}/.default`],
      });
      if (!result?.accessToken)
        throw new TokenEndpointError('Microsoft Entra ID returned no access token', {});
      if (result.expiresOn) {
        const renewAt = result.expiresOn.getTime() - TOKEN_RENEWAL_OFFSET_MS;
        this.tokens.set(fingerprint, { token: result.accessToken, renewAt });
      }
      return result.accessToken;
    } catch (error) {
      const transport = network.lastFailure;
      if (transport && transport.at >= started && error instanceof AuthError) throw transport.error;
      const answer = network.lastErrorAnswer;
      throw toTokenEndpointError(error, answer && answer.at >= started ? answer : undefined);
    }
  }

  private application(
    credentials: ExchangeCredentials,
    fingerprint: string,
  ): { application: ConfidentialClientApplication; network: TimedNetworkClient } {
    let entry = this.applications.get(fingerprint);
    if (!entry) {
      const network = new TimedNetworkClient(this.timeoutMs);
      const authority = `${credentials.authorityHost}/${credentials.tenantId}`;
      const application = new ConfidentialClientApplication({
        auth: {
          clientId: credentials.clientId,
          ...msalCredential(credentials, this.assertions),
          authority,
          knownAuthorities: [new URL(credentials.authorityHost).host],
          authorityMetadata: authorityMetadata(authority),
        },
        system: { networkClient: network },
      });
      entry = { application, network };
      this.applications.set(fingerprint, entry);
    }
    return entry;
  }
}

/**
 * What Entra ID answered, as the classifier needs it. A server answer (ServerError, or the
 * InteractionRequiredAuthError MSAL makes of some of them) keeps its OAuth error and AADSTS number;
 * the status and Retry-After come from the answer itself where MSAL dropped them.
 */
function toTokenEndpointError(error: unknown, answer: ErrorAnswer | undefined): TokenEndpointError {
  if (error instanceof TokenEndpointError) return error;
  if (error instanceof ServerError || error instanceof InteractionRequiredAuthError) {
    const aadsts = error.errorNo !== undefined && error.errorNo !== '' ? Number(error.errorNo) : undefined;
    // Long enough for the thumbprint or assertion values Entra quotes (AADSTS700027, 700213).
    const firstLine = (error.errorMessage.split(/\r?\n/)[0] ?? '').slice(0, 600);
    const httpStatus = (error instanceof ServerError ? error.status : undefined) ?? answer?.status;
    return new TokenEndpointError(firstLine || error.errorCode, {
      ...(aadsts !== undefined && Number.isFinite(aadsts) ? { aadsts } : {}),
      oauthError: error.errorCode,
      ...(httpStatus !== undefined ? { httpStatus } : {}),
      ...(answer?.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}),
    });
  }
  if (error instanceof AuthError) {
    return new TokenEndpointError(`${error.errorCode}: ${error.errorMessage.split('\n')[0] ?? ''}`, {
      transport: 'network',
    });
  }
  throw error;
}
