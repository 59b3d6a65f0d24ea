import type { IncomingHttpHeaders } from 'node:http';
import type { ExchangeCredentials } from '../domain/credentials';
import type { GraphEventPayload } from '../domain/eventPayload';
import { GraphRequestError } from '../domain/failures';
import type { CalendarGateway, TokenProvider } from '../domain/ports';
import { type GraphAnswer, GraphHttp, type GraphHttpRequest } from './graphHttp';
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

function retryAfterMs(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Graph's error body: `{ error: { code, message, innerError: { "request-id" } } }`, when it is one. */
function errorBody(body: unknown): { code?: string; requestId?: string } {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return {};
  const { code, innerError } = error as { code?: unknown; innerError?: { 'request-id'?: unknown } };
  const requestId = innerError?.['request-id'];
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}

/** An answer other than 2xx, as the classifier reads it. */
function answerError(answer: GraphAnswer, action: string, mailbox: string): GraphRequestError {
  const { code, requestId } = errorBody(answer.body);
  const retryAfter = retryAfterMs(answer.headers);
  return new GraphRequestError(`${action} for ${mailbox}: ${answer.status} ${code ?? ''}`.trim(), {
    httpStatus: answer.status,
    ...(code ? { graphCode: code } : {}),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    ...(requestId ? { requestId } : {}),
  });
}

/** No answer: a timeout, a reset connection or another network failure. */
function transportError(error: unknown, action: string, mailbox: string): GraphRequestError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new GraphRequestError(`${action} for ${mailbox}: timeout`, { transport: 'timeout' });
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  const reset = code === 'ECONNRESET' || code === 'EPIPE' || /reset|socket hang up/i.test(String(error));
  return new GraphRequestError(`${action} for ${mailbox}: ${reset ? 'connection reset' : 'network error'}`, {
    transport: reset ? 'reset' : 'network',
  });
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
  private readonly http = new GraphHttp();
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly credentials: ExchangeCredentials,
    private readonly tokens: TokenProvider,
    private readonly limiter: MailboxLimiter,
    options: GraphGatewayOptions = {},
  ) {
    this.base = `${credentials.graphEndpoint.replace(/\/+$/, '')}/v1.0`;
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxWaitMs = options.maxInProcessWaitMs ?? 30_000;
  }

  async createEvent(mailbox: string, event: GraphEventPayload, transactionId: string): Promise<string> {
    const created = (await this.call(mailbox, 'create', 'POST', { ...event, transactionId })) as {
      id?: unknown;
    };
    if (typeof created?.id !== 'string') throw new Error('Microsoft Graph created an event without an id');
    return created.id;
  }

  async updateEvent(mailbox: string, eventId: string, event: GraphEventPayload): Promise<void> {
    await this.call(mailbox, 'update', 'PATCH', event, eventId);
  }

  async deleteEvent(mailbox: string, eventId: string): Promise<void> {
    await this.call(mailbox, 'delete', 'DELETE', undefined, eventId);
  }

  async probe(mailbox: string): Promise<void> {
    await this.call(mailbox, 'probe', 'GET', undefined, undefined, '?$top=1&$select=id');
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.http.close();
  }

  private async call(
    mailbox: string,
    action: string,
    method: GraphHttpRequest['method'],
    body?: unknown,
    eventId?: string,
    query = '',
  ): Promise<unknown> {
    const path = `/users/${encodeURIComponent(mailbox)}/events${eventId ? `/${encodeURIComponent(eventId)}` : ''}`;
    const url = new URL(`${this.base}${path}${query}`);
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
      // A token failure is thrown as it is: it keeps its own diagnosis.
      const token = await this.tokens.acquireToken(this.credentials);
      let error: GraphRequestError;
      try {
        const answer = await this.limiter.run(mailbox, () => {
          if (this.limiter.waitFor(mailbox) > 0) throw new RetryAfterPending();
          return this.http.send({ method, url, token, body, signal: AbortSignal.timeout(this.timeoutMs) });
        });
        if (answer.status >= 200 && answer.status < 300) {
          this.limiter.succeeded(mailbox);
          return answer.body;
        }
        error = answerError(answer, action, mailbox);
      } catch (thrown) {
        if (thrown instanceof RetryAfterPending) continue;
        error = transportError(thrown, action, mailbox);
      }
      const retryAfter = error.details.retryAfterMs;
      if (retryAfter !== undefined) this.limiter.holdOff(mailbox, retryAfter);
      const canWait = (retryAfter ?? 0) <= this.maxWaitMs;
      if (attempt >= this.maxRetries || !isRetriedInProcess(error) || !canWait) throw error;
      if (retryAfter === undefined) await delay(250 * 2 ** attempt);
    }
  }
}

/** Another request of this instance got a Retry-After while this one waited for a slot. */
class RetryAfterPending extends Error {}
