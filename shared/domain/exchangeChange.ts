import { createHash } from 'node:crypto';

/** What a resource did in Outlook to an event the connector wrote (DESIGN.md, "Two-way sync"). */
export type ExchangeChangeKind = 'moved' | 'deleted' | 'declined' | 'tentative' | 'updated';

/** The event as the back office reads it in a message: instants in UTC (`…Z`) for timed events. */
export interface PublishedEvent {
  readonly eventId: string;
  readonly start?: string;
  readonly end?: string;
  readonly isAllDay?: boolean;
  readonly showAs?: string;
  readonly responseStatus?: string;
  /** Only in `updated` messages. */
  readonly subject?: string;
  readonly location?: string;
}

/** A message on BACKOFFICE_CHANGES_QUEUE; extra fields may be added, none renamed. */
export interface ExchangeChangeMessage {
  readonly kind: 'exchangeChange';
  readonly changeId: string;
  readonly detectedAt: string;
  readonly appointmentId: string;
  readonly resource: { readonly id: string; readonly mailbox: string };
  readonly change: ExchangeChangeKind;
  readonly event: PublishedEvent;
}

/**
 * The message id (and changeId) of one change: the same for the same change of the same event
 * version, however often delta reports it, so Service Bus's duplicate detection publishes it once.
 */
export function exchangeChangeId(
  mailbox: string,
  eventId: string,
  changeKey: string,
  change: ExchangeChangeKind,
): string {
  const hex = createHash('sha256')
    .update(['exchange', mailbox.toLowerCase(), eventId, changeKey, change].join('\u0000'))
    .digest('hex');
  return `exchange-${hex.slice(0, 32)}`;
}
