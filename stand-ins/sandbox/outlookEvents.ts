import type { Calendars, DateTimeTimeZone } from './calendars';

/** An event the resource makes in Outlook itself: no connector tag, whatever it shows as. */
export interface OutlookEventFields {
  readonly subject: string;
  readonly start: DateTimeTimeZone;
  readonly end: DateTimeTimeZone;
  readonly location?: string;
  readonly body?: string;
  readonly attendees?: readonly string[];
  /** free, tentative, busy (the default), oof, workingElsewhere. */
  readonly showAs?: string;
  /** normal (the default), personal, private, confidential. */
  readonly sensitivity?: string;
  readonly isAllDay?: boolean;
  /** Single-value extended properties, as a copy or restore of an event would carry them. */
  readonly extendedProperties?: readonly { readonly id: string; readonly value: string }[];
}

/** Graph's JSON of the fields: attendees as required attendees, the body as text. */
export function outlookEventJson(fields: Partial<OutlookEventFields>): Record<string, unknown> {
  const { location, body, attendees, extendedProperties, ...rest } = fields;
  return {
    ...rest,
    ...(extendedProperties !== undefined ? { singleValueExtendedProperties: extendedProperties } : {}),
    ...(location !== undefined ? { location: { displayName: location } } : {}),
    ...(body !== undefined ? { body: { contentType: 'text', content: body } } : {}),
    ...(attendees !== undefined
      ? {
          attendees: attendees.map((address) => ({
            type: 'required',
            emailAddress: { address, name: address },
            status: { response: 'none', time: '0001-01-01T00:00:00Z' },
          })),
        }
      : {}),
  };
}

export interface OutlookSeries {
  readonly seriesId: string;
  readonly occurrenceIds: string[];
}

/**
 * A recurring series as Exchange keeps it: the master (which calendarView and its delta never list)
 * and one `occurrence` per instance, each naming the master in `seriesMasterId`.
 */
export function createSeries(
  calendars: Calendars,
  mailbox: string,
  fields: OutlookEventFields,
  instances: readonly { start: DateTimeTimeZone; end: DateTimeTimeZone }[],
): OutlookSeries {
  const master = calendars.create(
    mailbox,
    { ...outlookEventJson(fields), type: 'seriesMaster', recurrence: { pattern: { type: 'daily' } } },
    mailbox,
  ).event;
  const occurrenceIds = instances.map(
    (instance) =>
      calendars.create(
        mailbox,
        { ...outlookEventJson({ ...fields, ...instance }), type: 'occurrence', seriesMasterId: master.id },
        mailbox,
      ).event.id,
  );
  return { seriesId: master.id, occurrenceIds };
}

/** Deletes an event; a series master takes its occurrences with it. */
export function deleteWithOccurrences(calendars: Calendars, mailbox: string, eventId: string): boolean {
  for (const occurrence of calendars.list(mailbox))
    if (occurrence.seriesMasterId === eventId) calendars.delete(mailbox, occurrence.id);
  return calendars.delete(mailbox, eventId);
}
