import type { CalendarDelta } from './calendarDelta';
import type { Calendars } from './calendars';
import type { GraphCounters } from './counters';
import type { GraphError, GraphFailure } from './graphErrors';
import type { MailboxLimits } from './limits';
import type { Notifier } from './notifier';
import type { Pauses } from './pauses';
import type { RecordedAnswer } from './recordedAnswer';
import type { Scenarios } from './scenarios';
import type { Subscriptions } from './subscriptions';
import type { AccessTokens, TokenGrant } from './tokens';
import type { Users } from './users';

export interface MailboxFailureScenario {
  readonly failure: GraphFailure;
  readonly retryAfterSeconds: number | undefined;
}

export interface GraphState {
  readonly tokens: AccessTokens;
  readonly users: Users;
  readonly calendars: Calendars;
  readonly subscriptions: Subscriptions;
  readonly notifier: Notifier;
  readonly delta: CalendarDelta;
  readonly limits: MailboxLimits;
  readonly counters: GraphCounters;
  readonly failures: Scenarios<MailboxFailureScenario>;
  /** Added latency per mailbox, on top of `latencyMs`. */
  readonly mailboxLatencyMs: Map<string, number>;
  readonly pauses: Pauses;
  readonly latencyMs: number;
  /** https://localhost:<port>, known once the server listens. */
  graphEndpoint: string;
}

/** One request to a mailbox: a plain request, or one step of a `$batch`. */
export interface GraphCall {
  readonly method: string;
  readonly version: string;
  /** The path after the version, still URL-encoded, e.g. `/users/room%40contoso.example/events`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly grant: TokenGrant;
  readonly inBatch: boolean;
}

export type GraphReply =
  | { readonly kind: 'ok'; readonly status: number; readonly body?: unknown }
  | { readonly kind: 'error'; readonly error: GraphError }
  | { readonly kind: 'recorded'; readonly answer: RecordedAnswer }
  | { readonly kind: 'reset' };

/** The status a reply was answered with; 0 for a reset connection. */
export function replyStatus(reply: GraphReply): number {
  if (reply.kind === 'reset') return 0;
  if (reply.kind === 'ok') return reply.status;
  return reply.kind === 'recorded' ? reply.answer.status : reply.error.status;
}
