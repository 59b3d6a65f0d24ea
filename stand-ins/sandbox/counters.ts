import type { EntraFailureKind, EntraRejection } from './entraErrors';

export type TokenOutcome = 'issued' | EntraRejection | EntraFailureKind | 'recorded';

/** What the token endpoint was asked, for tests and benchmarks. */
export interface EntraCounterReadings {
  /** Token requests received (hung ones included). */
  readonly tokenRequests: number;
  /** openid-configuration and instance-discovery requests. */
  readonly discoveryRequests: number;
  /** Token requests answered with this outcome (`hang` when held; a held request released by
   * `clearFailures()` is then counted again under the outcome it gets). */
  outcome(outcome: TokenOutcome): number;
  reset(): void;
}

export class EntraCounters implements EntraCounterReadings {
  tokenRequests = 0;
  discoveryRequests = 0;
  private readonly outcomes = new Map<TokenOutcome, number>();

  recordTokenRequest(): void {
    this.tokenRequests++;
  }

  recordTokenOutcome(outcome: TokenOutcome): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }

  recordDiscovery(): void {
    this.discoveryRequests++;
  }

  outcome(outcome: TokenOutcome): number {
    return this.outcomes.get(outcome) ?? 0;
  }

  reset(): void {
    this.tokenRequests = 0;
    this.discoveryRequests = 0;
    this.outcomes.clear();
  }
}

/** Why the sandbox answered 429. */
export type ThrottleReason = 'mailboxConcurrency' | 'requestLimit' | 'scenario';

/** One Graph request; each step of a `$batch` is an entry of its own. */
export interface RequestLogEntry {
  /** When it arrived (ms since the epoch). */
  readonly time: number;
  readonly method: string;
  /** Path without the query, e.g. `/v1.0/users/room@contoso.example/events`. */
  readonly path: string;
  /** Lower-cased address of the mailbox addressed, if any. */
  readonly mailbox: string | undefined;
  readonly inBatch: boolean;
  /** Undefined while in flight; 0 if the connection was reset. */
  status: number | undefined;
  retryAfterSeconds: number | undefined;
}

export interface GraphCounterSummary {
  readonly totalRequests: number;
  readonly requestsByMailbox: Readonly<Record<string, number>>;
  readonly peakConcurrencyByMailbox: Readonly<Record<string, number>>;
  readonly throttled: Readonly<Record<ThrottleReason, number>>;
  /** Milliseconds admitted requests held a mailbox slot, summed: from admission to the answer (latency included). */
  readonly heldMs: number;
}

/** What the Graph server was asked, for tests and benchmarks. Mailboxes are matched case-insensitively. */
export interface GraphCounterReadings {
  readonly totalRequests: number;
  requests(mailbox: string): number;
  /** Most requests to the mailbox in flight at once, counting one that was refused for concurrency. */
  peakConcurrency(mailbox: string): number;
  /** 429s sent, for one reason or in all. */
  throttled(reason?: ThrottleReason): number;
  /** Events created with this transactionId in the mailbox (a duplicate POST creates none). */
  eventsCreated(mailbox: string, transactionId: string): number;
  /** The last requests (bounded), oldest first, optionally only those to one mailbox. */
  requestLog(mailbox?: string): RequestLogEntry[];
  summary(): GraphCounterSummary;
  reset(): void;
}

/** A fixed-size log: O(1) to append, the oldest entry dropped first. */
class RingLog<T> {
  private readonly entries: T[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  append(entry: T): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  toArray(): T[] {
    if (this.entries.length < this.capacity) return [...this.entries];
    return [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }

  clear(): void {
    this.entries.length = 0;
    this.next = 0;
  }
}

export class GraphCounters implements GraphCounterReadings {
  totalRequests = 0;
  private heldMs = 0;
  private readonly requestsByMailbox = new Map<string, number>();
  private readonly peakByMailbox = new Map<string, number>();
  private readonly createdByTransaction = new Map<string, number>();
  private readonly throttledBy: Record<ThrottleReason, number> = {
    mailboxConcurrency: 0,
    requestLimit: 0,
    scenario: 0,
  };
  private readonly log: RingLog<RequestLogEntry>;

  constructor(logCapacity: number) {
    this.log = new RingLog(logCapacity);
  }

  /** Logs a request as it arrives; the caller fills in `status` when it is answered. */
  arrived(method: string, path: string, mailbox: string | undefined, inBatch: boolean): RequestLogEntry {
    const entry: RequestLogEntry = {
      time: Date.now(),
      method,
      path,
      mailbox,
      inBatch,
      status: undefined,
      retryAfterSeconds: undefined,
    };
    this.log.append(entry);
    if (mailbox !== undefined) {
      this.totalRequests++;
      this.requestsByMailbox.set(mailbox, (this.requestsByMailbox.get(mailbox) ?? 0) + 1);
    }
    return entry;
  }

  observeConcurrency(mailbox: string, inFlight: number): void {
    if (inFlight > (this.peakByMailbox.get(mailbox) ?? 0)) this.peakByMailbox.set(mailbox, inFlight);
  }

  /** An admitted request gave its mailbox slot back after `ms`. */
  recordHeld(ms: number): void {
    this.heldMs += ms;
  }

  recordThrottled(reason: ThrottleReason): void {
    this.throttledBy[reason]++;
  }

  recordCreated(mailbox: string, transactionId: string): void {
    const key = `${mailbox}\n${transactionId}`;
    this.createdByTransaction.set(key, (this.createdByTransaction.get(key) ?? 0) + 1);
  }

  requests(mailbox: string): number {
    return this.requestsByMailbox.get(mailbox.toLowerCase()) ?? 0;
  }

  peakConcurrency(mailbox: string): number {
    return this.peakByMailbox.get(mailbox.toLowerCase()) ?? 0;
  }

  throttled(reason?: ThrottleReason): number {
    if (reason) return this.throttledBy[reason];
    return this.throttledBy.mailboxConcurrency + this.throttledBy.requestLimit + this.throttledBy.scenario;
  }

  eventsCreated(mailbox: string, transactionId: string): number {
    return this.createdByTransaction.get(`${mailbox.toLowerCase()}\n${transactionId}`) ?? 0;
  }

  requestLog(mailbox?: string): RequestLogEntry[] {
    const entries = this.log.toArray();
    if (mailbox === undefined) return entries;
    const wanted = mailbox.toLowerCase();
    return entries.filter((entry) => entry.mailbox === wanted);
  }

  summary(): GraphCounterSummary {
    return {
      totalRequests: this.totalRequests,
      requestsByMailbox: Object.fromEntries(this.requestsByMailbox),
      peakConcurrencyByMailbox: Object.fromEntries(this.peakByMailbox),
      throttled: { ...this.throttledBy },
      heldMs: this.heldMs,
    };
  }

  reset(): void {
    this.totalRequests = 0;
    this.heldMs = 0;
    this.requestsByMailbox.clear();
    this.peakByMailbox.clear();
    this.createdByTransaction.clear();
    this.throttledBy.mailboxConcurrency = 0;
    this.throttledBy.requestLimit = 0;
    this.throttledBy.scenario = 0;
    this.log.clear();
  }
}
