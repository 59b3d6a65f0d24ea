import type { Code, TransactionStatus } from './catalogue';

/** What happened to one resource of a change. `code` is absent on success. */
export interface ResourceOutcome {
  readonly resourceId: string;
  readonly name: string;
  readonly mailbox: string;
  readonly action: 'create' | 'update' | 'delete' | 'none';
  readonly status: TransactionStatus;
  readonly code?: Code;
  readonly message: string;
  readonly eventId?: string;
}

/** `replay`: the connector's own replay request, recorded only when it was dead-lettered. */
export type TransactionOperation = 'upsert' | 'delete' | 'resource' | 'invalid' | 'replay' | 'exchangeChange';

/**
 * One row per processed change; replays of the change update the same row (Attempts, LastAttemptAt).
 * `Message` starts with `[CODE]` when the change failed.
 */
export interface TransactionRecord {
  readonly transactionId: string;
  readonly changeId: string;
  readonly appointmentId: string;
  readonly operation: TransactionOperation;
  readonly version?: number;
  readonly status: TransactionStatus;
  readonly code?: Code;
  readonly message: string;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly lastAttemptAt: Date;
  readonly resources: readonly ResourceOutcome[];
  /** When the retry pass may replay it next; absent when it is not replayed. */
  readonly nextAttemptAt?: Date;
  /** Resource ids whose newer state replays a DSEX011 / DSEX012 row. */
  readonly waitingOnResources?: readonly string[];
  /** Set when the row left the retry window unresolved: it needs an administrator. */
  readonly needsManualAction?: boolean;
  /** The raw message body of an invalid change, cut to a safe length, for inspection. */
  readonly rawBody?: string;
  readonly durationMs?: number;
}
