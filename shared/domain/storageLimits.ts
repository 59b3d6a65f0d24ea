import { MAX_MAILBOX_LENGTH } from './changeMessageFormats';
/**
 * What Table Storage, Service Bus and Exchange can hold, and the budgets the connector keeps within
 * them: one module, so the validation, the row builder and the docs name the same figures. Sizes of
 * text are in UTF-16 code units (JavaScript string length) unless they say bytes.
 *
 * Table Storage: a PartitionKey or RowKey holds at most 1,024 characters (Azurite, the local
 * stand-in, 512: the connector keeps within both); an entity at most 1 MiB (strings
 * count 2 bytes per code unit) and 255 properties; a string property at most 64 KiB (32 Ki code
 * units). Its DateTime starts at 1601-01-01T00:00:00Z. Exchange stores no date after 4500-08-31.
 */

/** A PartitionKey or RowKey of Table Storage, in characters of its encoded (ASCII) form. */
export const TABLE_KEY_MAX_LENGTH = 512;

/** `tx-` and 24 hex digits (see `transactionIdFor`). */
export const TRANSACTION_ID_LENGTH = 27;

/**
 * The longest storage key an id from a message may have. The retry index's row key is the
 * appointment id's key, `|`, then the transaction id, so an id leaves room for those 28 characters.
 */
export const ID_KEY_MAX_LENGTH = TABLE_KEY_MAX_LENGTH - 1 - TRANSACTION_ID_LENGTH;

/** Earliest instant a message may carry: Table Storage's first DateTime (and Windows' FILETIME epoch). */
export const EARLIEST_DATE_TIME = '1601-01-01T00:00:00Z';
/** Latest instant a message may carry: the last day of Exchange's calendar. */
export const LATEST_DATE_TIME = '4500-08-31T23:59:59Z';

/**
 * Resources per appointment. A row keeps every resource's outcome within
 * {@link ROW_BUDGET}.resourceOutcomes: a realistic outcome is under 1,000 code units, a long one
 * (200-character id, 255-character name, 320-character mailbox, a 300-character Graph error) about
 * 2,000, so 100 fit with room; 500 would not, and would also cost 500 Graph writes per delivery.
 */
export const MAX_RESOURCES_PER_APPOINTMENT = 100;

/**
 * The snapshot as the Appointments row stores it (JSON), in code units: 300,000 code units are at most
 * 600 KB in Table Storage and at most 900 KB as the UTF-8 request, under the 1 MiB entity limit.
 */
export const MAX_STORED_SNAPSHOT_CHARS = 300_000;

/**
 * What one transaction row (and its Failures entry) may hold, in code units. Together about
 * 255,000 code units: at most 510 KB in Table Storage (1 MiB allowed), at most 9 properties for the
 * outcomes (255 allowed), every property within 32,000 code units. What does not fit is cut with a
 * marker saying how much was left out; the code, the status and the `[CODE]` prefix are never cut.
 */
export const ROW_BUDGET = {
  /** `Message`: `[CODE] …`. */
  message: 4_000,
  /** One resource outcome's message. */
  outcomeMessage: 1_000,
  /** The per-resource outcomes as JSON (Resources, Resources1, …). */
  resourceOutcomes: 240_000,
  /** The raw body of an invalid or dead-lettered message. */
  rawBody: 8_000,
  /** The appointment id read from an invalid message (unvalidated, so it may be of any length). */
  invalidAppointmentId: 200,
} as const;

/** The caps the parser enforces; lengths are in UTF-16 code units (JavaScript string length). */
export const CHANGE_MESSAGE_LIMITS = {
  /** changeId, appointmentId, resource id. */
  idLength: 200,
  /** Outlook's subject limit. */
  subjectLength: 255,
  locationLength: 255,
  nameLength: 255,
  /** Appointment body (plain text). */
  /** Service Bus Standard carries 256 KB per message; the stored snapshot keeps within MAX_STORED_SNAPSHOT_CHARS. */
  bodyLength: 250_000,
  mailboxLength: MAX_MAILBOX_LENGTH,
  /** See storageLimits.ts: what a row can hold decides it. */
  resources: MAX_RESOURCES_PER_APPOINTMENT,
  /** Longest appointment: five years (5 × 365 + 1 leap day). */
  durationDays: 1826,
} as const;
