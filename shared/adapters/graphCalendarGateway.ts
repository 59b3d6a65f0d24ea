import type { ExchangeCredentials } from '../domain/credentials';
import type { GraphEventPayload } from '../domain/eventPayload';
import { GraphRequestError } from '../domain/failures';
import type { CalendarGateway, TokenProvider, WrittenEvent } from '../domain/ports';
import { answerError, transportError } from './graphAnswerErrors';
import { GraphHttp, type GraphHttpRequest } from './graphHttp';
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

function isRetriedInProcess(error: GraphRequestError): boolean {
  const { httpStatus, transport } = error.details;
  return transport !== undefined || (httpStatus !== undefined && RETRIED_IN_PROCESS.has(httpStatus));
}

function eventsPath(mailbox: string, eventId?: string): string {
  return `/users/${encodeURIComponent(mailbox)}/events${eventId ? `/${encodeURIComponent(eventId)}` : ''}`;
}

/** Graph answers a create or PATCH with the event, `changeKey` included. */
function changeKeyOf(answer: unknown): { changeKey?: string } {
  const changeKey = (answer as { changeKey?: unknown } | undefined)?.changeKey;
  return typeof changeKey === 'string' ? { changeKey } : {};
}

/** What one request sends besides its method and path. */
export interface GraphRequestOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
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

  async createEvent(mailbox: string, event: GraphEventPayload, transactionId: string): Promise<WrittenEvent> {
    const created = (await this.request(mailbox, 'create', 'POST', eventsPath(mailbox), {
      body: { ...event, transactionId },
    })) as { id?: unknown };
    if (typeof created?.id !== 'string') throw new Error('Microsoft Graph created an event without an id');
    return { eventId: created.id, ...changeKeyOf(created) };
  }

  async updateEvent(mailbox: string, eventId: string, event: GraphEventPayload): Promise<WrittenEvent> {
    const updated = await this.request(mailbox, 'update', 'PATCH', eventsPath(mailbox, eventId), {
      body: event,
    });
    return { eventId, ...changeKeyOf(updated) };
  }

  async deleteEvent(mailbox: string, eventId: string): Promise<void> {
    await this.request(mailbox, 'delete', 'DELETE', eventsPath(mailbox, eventId));
  }

  async probe(mailbox: string): Promise<void> {
    await this.request(mailbox, 'probe', 'GET', `${eventsPath(mailbox)}?$top=1&$select=id`);
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.http.close();
  }

  /**
   * One request on behalf of a mailbox (its limits and Retry-After apply): `path` is relative to the
   * Graph endpoint's version, or an absolute link Graph handed out (next and delta links).
   */
  async request(
    mailbox: string,
    action: string,
    method: GraphHttpRequest['method'],
    path: string,
    options: GraphRequestOptions = {},
  ): Promise<unknown> {
    const url = new URL(/^https?:\/\//.test(path) ? path : `${this.base}${path}`);
    const { body, headers } = options;
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
          return this.http.send({
            method,
            url,
            token,
            body,
            ...(headers ? { headers } : {}),
            signal: AbortSignal.timeout(this.timeoutMs),
          });
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
