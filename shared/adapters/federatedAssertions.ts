import { type AccessToken, ManagedIdentityCredential } from '@azure/identity';
import type { ManagedIdentityCredentials } from '../domain/credentials';
import { ManagedIdentityError } from '../domain/failures';

/** A token is renewed this long before it expires (managed identity tokens last about 24 hours). */
const RENEW_BEFORE_MS = 5 * 60_000;

interface CachedAssertion {
  token: AccessToken | undefined;
  pending: Promise<string> | undefined;
  readonly credential: ManagedIdentityCredential;
}

/** The status and message of what the managed identity endpoint answered, wherever the SDK put them. */
function answerOf(error: unknown): { status?: number; text: string } {
  const texts: string[] = [];
  let status: number | undefined;
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    texts.push(current.message);
    for (const key of ['statusCode', 'status', 'httpStatus'] as const) {
      const value = (current as unknown as Record<string, unknown>)[key];
      if (status === undefined && typeof value === 'number') status = value;
    }
  }
  return { ...(status !== undefined ? { status } : {}), text: texts.join(' ') };
}

/** 4xx from App Service's endpoint means the client ID names no identity of this app; the rest is transient. */
function toManagedIdentityError(error: unknown, clientId: string): ManagedIdentityError {
  const { status, text } = answerOf(error);
  const notAssigned =
    /Unable to load the proper Managed Identity|No MSI found|not assigned|identity not found/i.test(text) ||
    (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429);
  // MSAL wraps the endpoint's message: "Error(s): … - Description: <message> - Correlation ID: …".
  const described = /Description: (.+?)(?: - Correlation ID| - Trace ID|$)/.exec(text)?.[1];
  const answer = `${status !== undefined ? `${status}: ` : ''}${(described ?? text.split(/\r?\n/)[0] ?? '').slice(0, 300)}`;
  return new ManagedIdentityError(
    notAssigned
      ? `the managed identity endpoint has no identity with client ID ${clientId} for this app (${answer})`
      : `the managed identity endpoint did not issue a token (${answer})`,
    {
      kind: notAssigned ? 'notAssigned' : 'unavailable',
      ...(status !== undefined ? { httpStatus: status } : {}),
    },
  );
}

/**
 * Client assertions for workload identity federation: a token of the Function App's user-assigned
 * managed identity for `<audience>/.default`, which Microsoft Entra ID accepts in place of a secret.
 * One token per identity and audience, kept until shortly before it expires, one request at a time.
 */
export class FederatedAssertions {
  private readonly cache = new Map<string, CachedAssertion>();

  constructor(private readonly timeoutMs: number) {}

  /** The assertion for these credentials, fetched or renewed when needed. */
  assertion(credentials: ManagedIdentityCredentials): Promise<string> {
    const { managedIdentityClientId: clientId, audience } = credentials;
    const key = `${clientId}\n${audience}`;
    let entry = this.cache.get(key);
    if (!entry) {
      // One retry at the SDK: the retry pass replays anything that still fails.
      const retryOptions = { maxRetries: 1, retryDelayInMs: 200 };
      entry = {
        credential: new ManagedIdentityCredential({ clientId, retryOptions }),
        token: undefined,
        pending: undefined,
      };
      this.cache.set(key, entry);
    }
    const { token } = entry;
    if (token && token.expiresOnTimestamp - RENEW_BEFORE_MS > Date.now()) return Promise.resolve(token.token);
    entry.pending ??= this.fetch(entry, clientId, audience).finally(() => {
      if (entry) entry.pending = undefined;
    });
    return entry.pending;
  }

  /** The assertions held now: secrets no row or log line may show. */
  values(): string[] {
    return [...this.cache.values()].flatMap((entry) => (entry.token ? [entry.token.token] : []));
  }

  private async fetch(entry: CachedAssertion, clientId: string, audience: string): Promise<string> {
    if (!process.env.IDENTITY_ENDPOINT || !process.env.IDENTITY_HEADER) {
      throw new ManagedIdentityError(
        'no managed identity endpoint: IDENTITY_ENDPOINT and IDENTITY_HEADER are not set, so the Function App has no managed identity (or this is not Azure)',
        { kind: 'notAssigned' },
      );
    }
    try {
      const token = await entry.credential.getToken(`${audience}/.default`, {
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      });
      entry.token = token;
      return token.token;
    } catch (error) {
      entry.token = undefined;
      throw toManagedIdentityError(error, clientId);
    }
  }
}
