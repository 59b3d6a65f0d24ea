import type { ExchangeCredentials } from '../../../shared/domain/credentials';
import { TokenEndpointError } from '../../../shared/domain/failures';
import type { TokenProvider } from '../../../shared/domain/ports';

/** A token, or the error the Entra ID adapter would throw. */
export type TokenAnswer = string | TokenEndpointError;

/**
 * A rejection as `EntraTokenProvider` turns MSAL's ServerError into one: the first line of the
 * error description (`AADSTSnnn: text`), the AADSTS number, the OAuth error and the HTTP status.
 */
function rejection(aadsts: number, oauthError: string, httpStatus: number, text: string): TokenEndpointError {
  return new TokenEndpointError(`AADSTS${aadsts}: ${text}`, { aadsts, oauthError, httpStatus });
}

/** The answers of Microsoft Entra ID the connector has rules for (texts as the sandbox gives them). */
export const entraAnswers = {
  expiredSecret: (clientId: string) =>
    rejection(
      7000222,
      'invalid_client',
      401,
      `The provided client secret keys for app '${clientId}' are expired.`,
    ),
  invalidSecret: (clientId: string) =>
    rejection(7000215, 'invalid_client', 401, `Invalid client secret provided for app '${clientId}'.`),
  unknownClient: (clientId: string, tenant: string) =>
    rejection(
      700016,
      'unauthorized_client',
      400,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
    ),
  unknownTenant: (tenant: string) => rejection(90002, 'invalid_tenant', 400, `Tenant '${tenant}' not found.`),
  missingSecret: () =>
    rejection(
      7000218,
      'invalid_client',
      401,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  disabledApp: (clientId: string) =>
    rejection(7000112, 'unauthorized_client', 400, `Application '${clientId}' is disabled.`),
  /** MSAL gives no Retry-After for a throttled token request, so neither does the adapter. */
  throttled: () => rejection(90055, 'temporarily_unavailable', 429, 'There are too many incoming requests.'),
  timeout: (host: string) =>
    new TokenEndpointError(`no answer from ${host} within 10000 ms`, { transport: 'timeout' }),
} as const;

/** Microsoft Entra ID, scripted: a standing answer, answers queued for the next calls, and a call count. */
export class InMemoryTokenProvider implements TokenProvider {
  /** Every call, with the credentials it was made with. */
  readonly calls: ExchangeCredentials[] = [];
  private standing: TokenAnswer = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.in-memory.token';
  private readonly queued: TokenAnswer[] = [];

  /** Every later call answers this (until changed). */
  answer(answer: TokenAnswer): void {
    this.standing = answer;
  }

  /** The next calls answer these, in order; then the standing answer again. */
  answerNext(...answers: readonly TokenAnswer[]): void {
    this.queued.push(...answers);
  }

  async acquireToken(credentials: ExchangeCredentials): Promise<string> {
    this.calls.push(credentials);
    const answer = this.queued.shift() ?? this.standing;
    if (answer instanceof TokenEndpointError) throw answer;
    return answer;
  }
}
