import type { ExchangeCredentials } from '../../../shared/domain/credentials';
import type { GraphEventPayload } from '../../../shared/domain/eventPayload';
import { GraphRequestError } from '../../../shared/domain/failures';
import type { CalendarGateway, CalendarGatewayFactory } from '../../../shared/domain/ports';

export type GraphAction = 'create' | 'update' | 'delete' | 'probe';

export interface StoredEvent {
  readonly id: string;
  readonly transactionId: string;
  readonly payload: GraphEventPayload;
  /** Changes on every write, as Exchange's does. */
  readonly changeKey: string;
}

export interface GraphCall {
  readonly action: GraphAction;
  readonly mailbox: string;
  readonly eventId?: string;
}

/** What a failing call throws; most are `GraphRequestError`s, anything else is an unexpected answer. */
export type GraphAnswer = (action: GraphAction, mailbox: string) => Error;

/** An HTTP answer as `GraphCalendarGateway` turns a GraphError into one. */
function answered(httpStatus: number, graphCode: string, retryAfterMs?: number): GraphAnswer {
  return (action, mailbox) =>
    new GraphRequestError(`${action} for ${mailbox}: ${httpStatus} ${graphCode}`, {
      httpStatus,
      graphCode,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
}

function noAnswer(transport: 'timeout' | 'reset'): GraphAnswer {
  return (action, mailbox) =>
    new GraphRequestError(
      `${action} for ${mailbox}: ${transport === 'timeout' ? 'timeout' : 'network error'}`,
      {
        transport,
      },
    );
}

export const graphAnswers = {
  itemNotFound: answered(404, 'ErrorItemNotFound'),
  invalidUser: answered(404, 'ErrorInvalidUser'),
  mailboxNotEnabled: answered(404, 'MailboxNotEnabledForRESTAPI'),
  unauthorized: answered(401, 'InvalidAuthenticationToken'),
  accessDenied: answered(403, 'ErrorAccessDenied'),
  throttled: (retryAfterMs: number) => answered(429, 'ApplicationThrottled', retryAfterMs),
  unavailable: answered(503, 'ServiceUnavailable'),
  /** A 400 no rule of the connector knows. */
  badRequest: answered(400, 'ErrorInvalidRequest'),
  timeout: noAnswer('timeout'),
  reset: noAnswer('reset'),
} as const;

interface ScriptedFailure {
  readonly mailbox: string;
  readonly action: GraphAction | undefined;
  remaining: number;
  readonly answer: GraphAnswer;
}

/**
 * Exchange Online calendars behind Microsoft Graph, in memory: events per mailbox (addresses are
 * case-insensitive), `transactionId` idempotency on create while the event exists (as Graph and the
 * sandbox do), 404 ErrorItemNotFound on update or delete of a missing event, and failures scripted
 * per mailbox and action.
 */
export class InMemoryExchange {
  readonly calls: GraphCall[] = [];
  /** The credentials of each gateway the factory made. */
  readonly gatewaysMadeWith: ExchangeCredentials[] = [];
  private readonly calendars = new Map<string, Map<string, StoredEvent>>();
  private readonly scripted: ScriptedFailure[] = [];
  private sequence = 0;

  readonly factory: CalendarGatewayFactory = (credentials) => {
    this.gatewaysMadeWith.push(credentials);
    return this.gateway;
  };

  /** Makes calls to a mailbox (of one action, or any) fail `times` times (default: until healed). */
  fail(mailbox: string, answer: GraphAnswer, options: { action?: GraphAction; times?: number } = {}): void {
    this.scripted.push({
      mailbox: mailbox.toLowerCase(),
      action: options.action,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      answer,
    });
  }

  heal(mailbox: string): void {
    const key = mailbox.toLowerCase();
    for (const failure of this.scripted) if (failure.mailbox === key) failure.remaining = 0;
  }

  events(mailbox: string): StoredEvent[] {
    return [...(this.calendars.get(mailbox.toLowerCase())?.values() ?? [])];
  }

  /** Someone deletes the event in Outlook. */
  deleteInOutlook(mailbox: string, eventId: string): void {
    this.calendars.get(mailbox.toLowerCase())?.delete(eventId);
  }

  private readonly gateway: CalendarGateway = {
    createEvent: async (mailbox, event, transactionId) => {
      const calendar = this.enter('create', mailbox);
      const existing = [...calendar.values()].find((e) => e.transactionId === transactionId);
      if (existing) return { eventId: existing.id, changeKey: existing.changeKey };
      this.sequence++;
      const id = `AAMkAG-in-memory-${this.sequence}`;
      const changeKey = `ck-${this.sequence}`;
      calendar.set(id, { id, transactionId, payload: structuredClone(event), changeKey });
      return { eventId: id, changeKey };
    },
    updateEvent: async (mailbox, eventId, event) => {
      const calendar = this.enter('update', mailbox, eventId);
      const existing = calendar.get(eventId);
      if (!existing) throw graphAnswers.itemNotFound('update', mailbox);
      this.sequence++;
      const changeKey = `ck-${this.sequence}`;
      calendar.set(eventId, { ...existing, payload: structuredClone(event), changeKey });
      return { eventId, changeKey };
    },
    deleteEvent: async (mailbox, eventId) => {
      const calendar = this.enter('delete', mailbox, eventId);
      if (!calendar.delete(eventId)) throw graphAnswers.itemNotFound('delete', mailbox);
    },
    probe: async (mailbox) => {
      this.enter('probe', mailbox);
    },
  };

  /** Records the call, throws a scripted failure if one applies, answers the mailbox's calendar. */
  private enter(action: GraphAction, mailbox: string, eventId?: string): Map<string, StoredEvent> {
    this.calls.push({ action, mailbox, ...(eventId !== undefined ? { eventId } : {}) });
    const key = mailbox.toLowerCase();
    const failure = this.scripted.find(
      (f) => f.mailbox === key && f.remaining > 0 && (f.action === undefined || f.action === action),
    );
    if (failure) {
      failure.remaining--;
      throw failure.answer(action, mailbox);
    }
    let calendar = this.calendars.get(key);
    if (!calendar) {
      calendar = new Map();
      this.calendars.set(key, calendar);
    }
    return calendar;
  }
}
