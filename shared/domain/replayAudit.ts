/** One replay an administrator asked for on the Errors page or through the API: the audit trail. */
export interface ManualReplay {
  readonly transactionId: string;
  /** The Service Bus message id the replay was queued under. */
  readonly messageId: string;
  readonly requestedAt: Date;
  readonly requestedBy: { readonly name: string; readonly objectId: string };
}

/** How many of a row's manual replays its view shows, newest first. */
export const MANUAL_REPLAYS_SHOWN = 10;

/**
 * The audit entries of manual replays, kept beside their transaction row but never inside it: the row
 * is rewritten whole by every attempt, and an entry must not be lost to one that read the row first.
 */
export interface ManualReplayLog {
  recordManualReplay(replay: ManualReplay): Promise<void>;
  /** The newest `MANUAL_REPLAYS_SHOWN` of the transaction, newest first. */
  listManualReplays(transactionId: string): Promise<ManualReplay[]>;
}
