import { randomBytes } from 'node:crypto';
import type { CalendarEvent, Calendars } from './calendars';
import { type GraphError, graphErrors } from './graphErrors';
import type { GraphReply } from './graphState';

interface Round {
  readonly mailbox: string;
  readonly user: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** The journal position the round's delta link resumes from. */
  readonly position: number;
  /** Items still to page out (a skip token), or none (a delta token). */
  readonly remaining?: readonly Record<string, unknown>[];
  /** Tokens of an older generation of the mailbox are expired (410). */
  readonly generation: number;
}

const SYNC_STATE_NOT_FOUND: GraphError = {
  status: 410,
  code: 'syncStateNotFound',
  message: 'The sync state generation is not found. Please discard the delta link and resync.',
};

function instant(value: unknown): number {
  if (!value || typeof value !== 'object' || !('dateTime' in value)) return Number.NaN;
  const dateTime = String(value.dateTime);
  return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(dateTime) ? dateTime : `${dateTime}Z`);
}

/** A calendar view lists single events and a series' occurrences, never the series master. */
function inWindow(event: CalendarEvent, round: Pick<Round, 'windowStart' | 'windowEnd'>): boolean {
  if (event.type === 'seriesMaster') return false;
  return instant(event.start) < round.windowEnd && instant(event.end) > round.windowStart;
}

function eventJson(event: CalendarEvent): Record<string, unknown> {
  return { '@odata.type': '#microsoft.graph.event', '@odata.etag': `W/"${event.changeKey}"`, ...event };
}

/** `GET /users/{id}/calendarView/delta`: a full round over a window, then only what changed since. */
export class CalendarDelta {
  private readonly rounds = new Map<string, Round>();
  private readonly generations = new Map<string, number>();
  pageSize = 50;

  constructor(
    private readonly calendars: Calendars,
    private readonly endpoint: () => string,
  ) {}

  /** Every delta and skip token of the mailbox issued so far answers 410 from now on. */
  expireTokens(mailbox: string): void {
    this.generations.set(mailbox, (this.generations.get(mailbox) ?? 0) + 1);
  }

  reset(): void {
    this.rounds.clear();
    this.generations.clear();
    this.pageSize = 50;
  }

  query(mailbox: string, user: string, query: URLSearchParams): GraphReply {
    for (const unsupported of ['$filter', '$expand', '$select', '$orderby'])
      if (query.has(unsupported))
        return this.error(graphErrors.badRequest(`${unsupported} is not supported with delta.`));
    const token = query.get('$skiptoken') ?? query.get('$deltatoken');
    if (token !== null) {
      const round = this.rounds.get(token);
      if (!round || round.mailbox !== mailbox) return this.error(SYNC_STATE_NOT_FOUND);
      if (round.generation !== (this.generations.get(mailbox) ?? 0)) return this.error(SYNC_STATE_NOT_FOUND);
      if (round.remaining) return this.page({ ...round, remaining: round.remaining });
      const remaining = this.changedSince(round);
      return this.page({ ...round, position: this.calendars.journal.position(), remaining });
    }
    const windowStart = Date.parse(query.get('startDateTime') ?? '');
    const windowEnd = Date.parse(query.get('endDateTime') ?? '');
    if (Number.isNaN(windowStart) || Number.isNaN(windowEnd))
      return this.error(
        graphErrors.badRequest(
          'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
        ),
      );
    const window = { windowStart, windowEnd };
    return this.page({
      mailbox,
      user,
      ...window,
      position: this.calendars.journal.position(),
      generation: this.generations.get(mailbox) ?? 0,
      remaining: this.calendars
        .list(mailbox)
        .filter((e) => inWindow(e, window))
        .map(eventJson),
    });
  }

  /** The newest state of each event changed after the round's position: in the window, or removed. */
  private changedSince(round: Round): Record<string, unknown>[] {
    const ids = [
      ...new Set(this.calendars.journal.since(round.mailbox, round.position).map((e) => e.eventId)),
    ];
    return ids.flatMap((id) => {
      const event = this.calendars.get(round.mailbox, id);
      if (!event) return [{ '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } }];
      return inWindow(event, round) ? [eventJson(event)] : [];
    });
  }

  private page(round: Round & { remaining: readonly Record<string, unknown>[] }): GraphReply {
    const value = round.remaining.slice(0, this.pageSize);
    const rest = round.remaining.slice(this.pageSize);
    const token = randomBytes(24).toString('base64url');
    const base = `${this.endpoint()}/v1.0/users/${encodeURIComponent(round.user)}/calendarView/delta`;
    const last = rest.length === 0;
    const { remaining: _remaining, ...state } = round;
    this.rounds.set(token, last ? state : { ...state, remaining: rest });
    return {
      kind: 'ok',
      status: 200,
      body: {
        '@odata.context': `${this.endpoint()}/v1.0/$metadata#Collection(event)`,
        value,
        ...(last
          ? { '@odata.deltaLink': `${base}?$deltatoken=${token}` }
          : { '@odata.nextLink': `${base}?$skiptoken=${token}` }),
      },
    };
  }

  private error(graphError: GraphError): GraphReply {
    return { kind: 'error', error: graphError };
  }
}
