export interface MailboxLimitOptions {
  readonly requestsPerWindow: number;
  readonly windowMs: number;
  readonly maxConcurrent: number;
}

export type Admission =
  | { readonly admitted: true; readonly inFlight: number; release(): void }
  | {
      readonly admitted: false;
      readonly inFlight: number;
      readonly reason: 'mailboxConcurrency' | 'requestLimit';
      readonly retryAfterSeconds: number;
    };

interface MailboxState {
  windowStart: number;
  requestsInWindow: number;
  inFlight: number;
}

/** Seconds a client refused for concurrency is asked to wait: the shortest Retry-After there is. */
const CONCURRENCY_RETRY_AFTER_SECONDS = 1;

/**
 * Graph's per-app, per-mailbox limits: requests per window (a fixed window opened by the first
 * request, so Retry-After is the time until it closes) and requests in flight at once.
 */
export class MailboxLimits {
  private readonly states = new Map<string, MailboxState>();

  constructor(private readonly options: MailboxLimitOptions) {}

  /** Lets a request in, or says why not. `inFlight` counts the request itself either way. */
  admit(clientId: string, mailbox: string, now = Date.now()): Admission {
    const key = `${clientId}\n${mailbox}`;
    let state = this.states.get(key);
    if (!state) {
      state = { windowStart: now, requestsInWindow: 0, inFlight: 0 };
      this.states.set(key, state);
    }
    if (now - state.windowStart >= this.options.windowMs) {
      state.windowStart = now;
      state.requestsInWindow = 0;
    }
    const inFlight = state.inFlight + 1;
    if (state.requestsInWindow >= this.options.requestsPerWindow) {
      const waitMs = state.windowStart + this.options.windowMs - now;
      return {
        admitted: false,
        inFlight,
        reason: 'requestLimit',
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      };
    }
    if (inFlight > this.options.maxConcurrent) {
      return {
        admitted: false,
        inFlight,
        reason: 'mailboxConcurrency',
        retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS,
      };
    }
    state.requestsInWindow++;
    state.inFlight = inFlight;
    const admittedState = state;
    let released = false;
    return {
      admitted: true,
      inFlight,
      release: () => {
        if (released) return;
        released = true;
        admittedState.inFlight--;
      },
    };
  }

  /** Opens new windows for every mailbox; requests in flight stay counted. */
  resetWindows(): void {
    for (const [key, state] of this.states) {
      if (state.inFlight === 0) this.states.delete(key);
      else {
        state.windowStart = Date.now();
        state.requestsInWindow = 0;
      }
    }
  }
}
