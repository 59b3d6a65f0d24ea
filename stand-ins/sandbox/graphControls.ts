import type { CalendarEvent } from './calendars';
import type { GraphCounterReadings } from './counters';
import type { GraphFailure } from './graphErrors';
import type { GraphState } from './graphState';
import { type OutlookControls, outlookControls } from './outlookControls';

export interface MailboxFailureOptions {
  /** Only the next `times` requests to the mailbox; absent: every one until cleared. */
  readonly times?: number;
  /** Retry-After sent with `throttled` and `unavailable` (default 2). */
  readonly retryAfterSeconds?: number;
}

/** Scenarios, calendars and counters of the sandbox's Microsoft Graph. Mailboxes are matched case-insensitively. */
export interface GraphControls extends OutlookControls {
  readonly counters: GraphCounterReadings;
  /** Makes requests to the mailbox fail (replacing any earlier failure scenario for it). */
  failMailbox(mailbox: string, failure: GraphFailure, options?: MailboxFailureOptions): void;
  /** Adds latency to every request to the mailbox (0 removes it). */
  setMailboxLatency(mailbox: string, latencyMs: number): void;
  /** Ends the failure scenario and latency of one mailbox, or of all. */
  clearMailbox(mailbox?: string): void;
  /** A copy of the mailbox's events, in creation order. */
  events(mailbox: string): CalendarEvent[];
  /** Deletes an event as a user would in Outlook, without an API request. False if there was none. */
  deleteInOutlook(mailbox: string, eventId: string): boolean;
  /** Empties calendars, ends scenarios and latency, resets counters and opens new request windows. */
  reset(): void;
}

export function graphControls(state: GraphState): GraphControls {
  const clearMailbox = (mailbox?: string) => {
    const key = mailbox?.toLowerCase();
    state.failures.clear(key);
    if (key === undefined) state.mailboxLatencyMs.clear();
    else state.mailboxLatencyMs.delete(key);
  };
  return {
    ...outlookControls(state),
    counters: state.counters,
    failMailbox: (mailbox, failure, options = {}) =>
      state.failures.set(
        mailbox.toLowerCase(),
        { failure, retryAfterSeconds: options.retryAfterSeconds },
        options.times,
      ),
    setMailboxLatency: (mailbox, latencyMs) => {
      if (latencyMs > 0) state.mailboxLatencyMs.set(mailbox.toLowerCase(), latencyMs);
      else state.mailboxLatencyMs.delete(mailbox.toLowerCase());
    },
    clearMailbox,
    events: (mailbox) => structuredClone(state.calendars.list(mailbox.toLowerCase())),
    deleteInOutlook: (mailbox, eventId) => state.calendars.delete(mailbox.toLowerCase(), eventId),
    reset: () => {
      clearMailbox();
      state.calendars.clear();
      state.subscriptions.clear();
      state.notifier.reset();
      state.delta.reset();
      state.counters.reset();
      state.limits.resetWindows();
    },
  };
}
