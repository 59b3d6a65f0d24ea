import {
  AuthenticationHandlerOptions,
  type AuthenticationProvider,
  Client,
  GraphError,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import type { ExchangeCredentials } from '../domain/credentials';
import type { GraphEventPayload } from '../domain/eventPayload';
import { GraphRequestError } from '../domain/failures';
import type { CalendarGateway, TokenProvider } from '../domain/ports';
import type { MailboxLimiter } from './mailboxLimiter';

export interface GraphGatewayOptions {
  /** How long one Graph request may take. */
  readonly requestTimeoutMs?: number;
  /** In-process retries of one call on 429/503/504/timeouts; the retry pass does the rest. */
  readonly maxRetries?: number;
  /** The longest `Retry-After` waited out in process; a longer one goes back to the retry pass. */
  readonly maxInProcessWaitMs?: number;
}

const RETRIED_IN_PROCESS = new Set([429, 503, 504]);

function retryAfterMs(headers: unknown): number | undefined {
  const value = headers instanceof Headers ? headers.get('retry-after') : undefined;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function toGraphRequestError(error: unknown, action: string, mailbox: string): GraphRequestError {
  if (error instanceof GraphRequestError) return error;
  if (error instanceof GraphError) {
    if (error.statusCode === -1 || error.statusCode === 0) {
      const timedOut = error.code === 'TimeoutError' || error.code === 'AbortError';
      return new GraphRequestError(`${action} for ${mailbox}: ${timedOut ? 'timeout' : 'network error'}`, {
        transport: timedOut
          ? 'timeout'
          : /reset|ECONNRESET|socket/i.test(error.message)
            ? 'reset'
            : 'network',
      });
    }
    const retryAfter = retryAfterMs(error.headers);
    return new GraphRequestError(`${action} for ${mailbox}: ${error.statusCode} ${error.code ?? ''}`.trim(), {
      httpStatus: error.statusCode,
      ...(error.code ? { graphCode: error.code } : {}),
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
      ...(error.requestId ? { requestId: error.requestId } : {}),
    });
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new GraphRequestError(`${action} for ${mailbox}: timeout`, { transport: 'timeout' });
  }
  if (error instanceof TypeError) {
    return new GraphRequestError(`${action} for ${mailbox}: ${error.message}`, { transport: 'reset' });
  }
  throw error;
}

function isRetriedInProcess(error: GraphRequestError): boolean {
  const { httpStatus, transport } = error.details;
  return transport !== undefined || (httpStatus !== undefined && RETRIED_IN_PROCESS.has(httpStatus));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calendars through Microsoft Graph with the manners Graph asks for: no pre-flight reads, at most 4
 * requests in flight per mailbox, `Retry-After` honoured before the next request to that mailbox, a
 * timeout on every request, and a bounded number of in-process retries.
 */
export class GraphCalendarGateway implements CalendarGateway {
  private readonly client: Client;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly credentials: ExchangeCredentials,
    private readonly tokens: TokenProvider,
    private readonly limiter: MailboxLimiter,
    options: GraphGatewayOptions = {},
  ) {
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxWaitMs = options.maxInProcessWaitMs ?? 30_000;
    this.client = Client.initWithMiddleware({
      authProvider: { getAccessToken: () => tokens.acquireToken(credentials) },
      baseUrl: credentials.graphEndpoint,
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(credentials.graphEndpoint).hostname]),
    });
  }

  async createEvent(mailbox: string, event: GraphEventPayload, transactionId: string): Promise<string> {
    const created = (await this.call(mailbox, 'create', (request) =>
      request.post({ ...event, transactionId }),
    )) as { id?: unknown };
    if (typeof created?.id !== 'string') throw new Error('Microsoft Graph created an event without an id');
    return created.id;
  }

  async updateEvent(mailbox: string, eventId: string, event: GraphEventPayload): Promise<void> {
    await this.call(mailbox, 'update', (request) => request.patch(event), eventId);
  }

  async deleteEvent(mailbox: string, eventId: string): Promise<void> {
    await this.call(mailbox, 'delete', (request) => request.delete(), eventId);
  }

  async probe(mailbox: string): Promise<void> {
    await this.call(mailbox, 'probe', (request) => request.query({ $top: '1', $select: 'id' }).get());
  }

  private async call(
    mailbox: string,
    action: string,
    send: (request: ReturnType<Client['api']>) => Promise<unknown>,
    eventId?: string,
  ): Promise<unknown> {
    const path = `/users/${encodeURIComponent(mailbox)}/events${eventId ? `/${encodeURIComponent(eventId)}` : ''}`;
    for (let attempt = 0; ; attempt++) {
      const wait = this.limiter.waitFor(mailbox);
      if (wait > this.maxWaitMs) {
        throw new GraphRequestError(`${action} for ${mailbox}: held back by Retry-After`, {
          httpStatus: 429,
          graphCode: 'ApplicationThrottled',
          retryAfterMs: wait,
        });
      }
      if (wait > 0) await delay(wait);
      // The Graph client turns a failing auth provider into a network error; keep the token failure.
      let tokenFailure: unknown;
      const authProvider: AuthenticationProvider = {
        getAccessToken: () =>
          this.tokens.acquireToken(this.credentials).catch((error: unknown) => {
            tokenFailure = error;
            throw error;
          }),
      };
      try {
        return await this.limiter.run(mailbox, async () => {
          if (this.limiter.waitFor(mailbox) > 0) throw new RetryAfterPending();
          const request = this.client
            .api(path)
            .middlewareOptions([
              new RetryHandlerOptions(0, 0),
              new AuthenticationHandlerOptions(authProvider),
            ])
            .option('signal', AbortSignal.timeout(this.timeoutMs));
          return send(request);
        });
      } catch (thrown) {
        if (thrown instanceof RetryAfterPending) continue;
        if (tokenFailure !== undefined) throw tokenFailure;
        const error = toGraphRequestError(thrown, action, mailbox);
        const retryAfter = error.details.retryAfterMs;
        if (retryAfter !== undefined) this.limiter.holdOff(mailbox, retryAfter);
        const canWait = (retryAfter ?? 0) <= this.maxWaitMs;
        if (attempt >= this.maxRetries || !isRetriedInProcess(error) || !canWait) throw error;
        if (retryAfter === undefined) await delay(250 * 2 ** attempt);
      }
    }
  }
}

/** Another request of this instance got a Retry-After while this one waited for a slot. */
class RetryAfterPending extends Error {}
