import type { AppointmentSnapshot } from './changeMessage';

/** The Microsoft Graph event body for an appointment (without `transactionId`). */
export interface GraphEventPayload {
  readonly subject: string;
  readonly body: { readonly contentType: 'text'; readonly content: string };
  readonly start: { readonly dateTime: string; readonly timeZone: string };
  readonly end: { readonly dateTime: string; readonly timeZone: string };
  readonly location: { readonly displayName: string };
  readonly isAllDay: boolean;
  readonly showAs: 'busy';
  /** The connector's tag and write version (see `connectorTag.ts`), added per resource when written. */
  readonly singleValueExtendedProperties?: readonly { readonly id: string; readonly value: string }[];
}

/** `2026-12-01T10:00:00+01:00` → `2026-12-01T00:00:00` (the wall-clock date at midnight). */
function localMidnight(iso: string): string {
  return `${iso.slice(0, 10)}T00:00:00`;
}

/** An instant in UTC without offset, as Graph's dateTimeTimeZone wants it. */
function utcDateTime(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '');
}

/**
 * Timed events are written in UTC, so the instant is exact whatever the offset in the message;
 * all-day events keep their dates in the appointment's time zone, as Graph requires midnight there.
 * The body is plain text: markup from the back office is never rendered.
 */
export function eventPayload(snapshot: AppointmentSnapshot): GraphEventPayload {
  const start = snapshot.isAllDay
    ? { dateTime: localMidnight(snapshot.start), timeZone: snapshot.timeZone }
    : { dateTime: utcDateTime(snapshot.start), timeZone: 'UTC' };
  const end = snapshot.isAllDay
    ? { dateTime: localMidnight(snapshot.end), timeZone: snapshot.timeZone }
    : { dateTime: utcDateTime(snapshot.end), timeZone: 'UTC' };
  return {
    subject: snapshot.subject,
    body: { contentType: 'text', content: snapshot.body },
    start,
    end,
    location: { displayName: snapshot.location },
    isAllDay: snapshot.isAllDay,
    showAs: 'busy',
  };
}
