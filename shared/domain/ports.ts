import type { HistoryEntry } from './appointmentHistory';
import type { AppointmentSnapshot, ResourceAssignment } from './changeMessage';
import type { ExchangeCredentials } from './credentials';
import type { GraphEventPayload } from './eventPayload';
import type { PrivacyOverride } from './privacyRules';
import type { ReplayRequest } from './replayMessage';
import type { TransactionRecord } from './transaction';

/** The newest state of an appointment the connector has received (not necessarily synced). */
export interface AppointmentState {
  readonly appointmentId: string;
  readonly version: number;
  readonly changeId: string;
  readonly deleted: boolean;
  readonly snapshot?: AppointmentSnapshot;
  readonly receivedAt: Date;
}

/** The event that stands for one resource of one appointment in Exchange. */
export interface EventMapping {
  readonly appointmentId: string;
  readonly resourceId: string;
  readonly mailbox: string;
  readonly eventId: string;
  readonly updatedAt: Date;
  /** The event's `changeKey` after the connector's last write: delta items carrying it are its own. */
  readonly changeKey?: string;
}

export interface ResourceState extends ResourceAssignment {
  readonly changedAt: Date;
  /** The parts of the privacy rules the resource set for itself; the rest follow the organisation's. */
  readonly privacy?: PrivacyOverride;
}

/** A transaction the retry pass may replay (the "Pending" index: replayable rows only). */
export interface PendingReplay {
  readonly transactionId: string;
  readonly appointmentId: string;
  readonly code: TransactionRecord['code'];
  readonly attempts: number;
  readonly firstFailedAt: Date;
  readonly lastAttemptAt: Date;
  readonly nextAttemptAt: Date;
  readonly waitingOnResources: readonly string[];
  /**
   * The message id of the replay in flight for this row, recorded under the entry's ETag by whoever
   * sent it (the retry pass or a manual replay); empty when none. A replay is honoured only when its
   * message id is the claim on each row it lists.
   */
  readonly claim: string;
  /** Optimistic concurrency token of the index entry. */
  readonly etag: string;
}

/** What the connector keeps of one appointment, read and written as one: state, events, open rows. */
export interface StoredAppointment {
  readonly appointmentId: string;
  /** The newest state received; undefined before the first. */
  readonly state?: AppointmentState;
  readonly mappings: readonly EventMapping[];
  /**
   * Transactions of the appointment recorded with a next attempt and not resolved by a later sync:
   * a superset of its Pending entries, so a successful sync knows which rows to supersede.
   */
  readonly openTransactions: readonly string[];
  /** Concurrency token of what was read; undefined when nothing is stored. */
  readonly etag?: string;
}

export interface AppointmentStore {
  /** One read: what is stored of the appointment (no state and no mappings when nothing is). */
  getAppointment(appointmentId: string): Promise<StoredAppointment>;
  /**
   * Writes `update(stored)` under the ETag `stored` was read with; when another writer got in
   * between, reads again and applies `update` to what it wrote. Answers what was stored. `listed`, a
   * transaction about to be recorded for the first time, joins the appointment's history in the
   * same write (one entity-group transaction: no operation of its own).
   */
  updateAppointment(
    stored: StoredAppointment,
    update: (current: StoredAppointment) => StoredAppointment,
    listed?: HistoryEntry,
  ): Promise<StoredAppointment>;
  /** Adds a transaction to the appointment's history without writing the appointment; idempotent. */
  addToHistory(entry: HistoryEntry): Promise<void>;
}

/** The event mappings of one appointment as one sync sees and changes them. */
export interface MappingStore {
  listMappings(appointmentId: string): Promise<EventMapping[]>;
  putMapping(mapping: EventMapping): Promise<void>;
  deleteMapping(appointmentId: string, resourceId: string): Promise<void>;
}

export interface ResourceStore {
  getResources(resourceIds: readonly string[]): Promise<Map<string, ResourceState>>;
  /** Saves the state unless a newer one is stored; answers whether it was saved. */
  saveResourceIfNewer(state: ResourceState): Promise<boolean>;
}

export interface TransactionStore {
  getTransaction(transactionId: string): Promise<TransactionRecord | undefined>;
  /**
   * Writes the row and keeps the indexes in step: the Pending index holds it while it is replayable
   * (`nextAttemptAt` set), the Failures index while its status is not Success. `previous` is the row as
   * read before this attempt: when it is known absent (`null`), there are no index entries to remove.
   */
  recordTransaction(record: TransactionRecord, previous?: TransactionRecord | null): Promise<void>;
  /** The Pending index: every replayable row, or only those of one appointment. */
  listPending(appointmentId?: string): Promise<PendingReplay[]>;
  /**
   * Moves a pending entry's next attempt (and its attempt count, one more by default) and records
   * the replay's message id as its claim (empty releases it), under its ETag; false when another
   * writer got there first.
   */
  claimPending(
    entry: PendingReplay,
    nextAttemptAt: Date,
    attempts?: number,
    claim?: string,
  ): Promise<boolean>;
}

/** One line of the Errors page: a transaction whose status is not Success, inside the window. */
export interface FailureSummary {
  readonly transactionId: string;
  readonly appointmentId: string;
  readonly operation: TransactionRecord['operation'];
  readonly status: TransactionRecord['status'];
  readonly code?: TransactionRecord['code'];
  readonly message: string;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly lastAttemptAt: Date;
  readonly nextAttemptAt?: Date;
  readonly needsManualAction: boolean;
  /** Names and mailboxes of the resources with a failed outcome, for display. */
  readonly resources: readonly { readonly name: string; readonly mailbox: string }[];
}

export interface FailureQuery {
  readonly since: Date;
  readonly code?: string;
  readonly status?: string;
  readonly appointmentId?: string;
  readonly pageSize: number;
  readonly continuationToken?: string;
}

/** A continuation token the failure index did not issue: the caller's mistake, answered 400. */
export class InvalidContinuationTokenError extends Error {
  override readonly name = 'InvalidContinuationTokenError';
}

export interface FailureIndex {
  /** Newest first, across the days since `since`. */
  listFailures(query: FailureQuery): Promise<{ items: FailureSummary[]; continuationToken?: string }>;
  countFailuresByCode(since: Date): Promise<Record<string, number>>;
}

/** Microsoft Entra ID: an app-only token for Microsoft Graph. Throws `TokenEndpointError`. */
export interface TokenProvider {
  acquireToken(credentials: ExchangeCredentials): Promise<string>;
}

/** What Graph answered for a write: the event and its `changeKey` after it (when Graph sent one). */
export interface WrittenEvent {
  readonly eventId: string;
  readonly changeKey?: string;
}

/** One resource mailbox's calendar through Microsoft Graph. Throws `GraphRequestError`. */
export interface CalendarGateway {
  /** Creates the event; a create repeated with the same `transactionId` answers the first event. */
  createEvent(mailbox: string, event: GraphEventPayload, transactionId: string): Promise<WrittenEvent>;
  updateEvent(mailbox: string, eventId: string, event: GraphEventPayload): Promise<WrittenEvent>;
  deleteEvent(mailbox: string, eventId: string): Promise<void>;
  /** One cheap read of the calendar: the retry pass's probe for DSEX010 / DSEX030. */
  probe(mailbox: string): Promise<void>;
}

/** Puts replay requests on the queue; a message id seen before within the window is dropped. */
export interface ReplaySender {
  send(messages: readonly { readonly messageId: string; readonly body: ReplayRequest }[]): Promise<void>;
}

export type CalendarGatewayFactory = (credentials: ExchangeCredentials) => CalendarGateway;

/** Structured operational log; every line goes through secret redaction before it is written. */
export interface OperationalLog {
  info(message: string, properties: Record<string, unknown>): void;
  error(message: string, properties: Record<string, unknown>): void;
}
