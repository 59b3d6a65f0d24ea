import type { OperationalLog } from './ports';

/** Two-way sync's interest in a mailbox: events were created in it, or its resource was (dis)abled. */
export interface MailboxInterest {
  readonly mailbox: string;
  /** The resource whose mailbox it is. */
  readonly resourceId: string;
  readonly watch: boolean;
  readonly cause: 'event created' | 'resource change';
}

/** Told which mailboxes to subscribe to or stop watching (two-way sync). */
export type WatchMailboxes = (interests: readonly MailboxInterest[]) => Promise<void>;

/** Passes the interests on; a failure is only logged (the subscription timer recreates what is missing). */
export async function tellInterest(
  watch: WatchMailboxes | undefined,
  log: OperationalLog,
  interests: readonly MailboxInterest[],
): Promise<void> {
  if (interests.length === 0 || !watch) return;
  try {
    await watch(interests);
  } catch (error) {
    log.error('mailbox watch not sent', { error: error instanceof Error ? error.message : 'unknown' });
  }
}
