import { randomBytes, randomUUID } from 'node:crypto';
import { CalendarJournal } from './calendarJournal';
import { ExtendedProperties } from './extendedProperties';

export interface DateTimeTimeZone {
  readonly dateTime: string;
  readonly timeZone: string;
}

/** An event as Graph returns it; properties the client sent beyond these are kept as sent. */
export interface CalendarEvent {
  readonly id: string;
  readonly createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  readonly iCalUId: string;
  readonly transactionId: string | null;
  subject: string;
  bodyPreview: string;
  body: { contentType: string; content: string };
  start?: DateTimeTimeZone;
  end?: DateTimeTimeZone;
  location: { displayName: string; [property: string]: unknown };
  isAllDay: boolean;
  readonly organizer: { emailAddress: { name: string; address: string } };
  [property: string]: unknown;
}

/** Properties the server sets; a client's values for them are ignored. */
const SERVER_PROPERTIES = new Set([
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'iCalUId',
  'organizer',
  '@odata.etag',
  '@odata.context',
  'singleValueExtendedProperties',
  'responseStatus',
]);

function writable(fields: Readonly<Record<string, unknown>>, alsoIgnored?: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(([name]) => !SERVER_PROPERTIES.has(name) && name !== alsoIgnored),
  );
}

function preview(body: unknown): string {
  const content =
    body && typeof body === 'object' && 'content' in body && typeof body.content === 'string'
      ? body.content
      : '';
  return content
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255);
}

/** Exchange item ids are long base64 strings starting `AAMk`. */
function eventId(): string {
  return `AAMkAG${randomBytes(96).toString('base64url')}`;
}

function changeKey(): string {
  return randomBytes(21).toString('base64');
}

export interface CreateResult {
  readonly event: CalendarEvent;
  /** False when the transactionId matched an existing event, which is returned instead. */
  readonly created: boolean;
}

/** The mailboxes' calendars, in memory. Mailboxes are lower-cased addresses. */
export class Calendars {
  private readonly byMailbox = new Map<string, Map<string, CalendarEvent>>();
  private readonly eventIdByTransaction = new Map<string, string>();
  readonly journal = new CalendarJournal();
  readonly properties = new ExtendedProperties();

  create(mailbox: string, fields: Readonly<Record<string, unknown>>, organizerName: string): CreateResult {
    const transactionId = typeof fields.transactionId === 'string' ? fields.transactionId : null;
    if (transactionId !== null) {
      const existingId = this.eventIdByTransaction.get(`${mailbox}\n${transactionId}`);
      const existing = existingId ? this.get(mailbox, existingId) : undefined;
      if (existing) return { event: existing, created: false };
    }
    const now = new Date().toISOString();
    const event: CalendarEvent = {
      id: eventId(),
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeKey: changeKey(),
      iCalUId: `040000008200E00074C5B7101A82E008${randomUUID().replace(/-/g, '').toUpperCase()}`,
      subject: '',
      bodyPreview: '',
      body: { contentType: 'html', content: '' },
      location: { displayName: '' },
      isAllDay: false,
      isCancelled: false,
      showAs: 'busy',
      type: 'singleInstance',
      importance: 'normal',
      sensitivity: 'normal',
      categories: [],
      attendees: [],
      organizer: { emailAddress: { name: organizerName, address: mailbox } },
      responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
      ...writable(fields),
      transactionId,
    };
    event.bodyPreview = preview(event.body);
    this.calendar(mailbox).set(event.id, event);
    if (transactionId !== null) this.eventIdByTransaction.set(`${mailbox}\n${transactionId}`, event.id);
    this.properties.merge(`${mailbox}\n${event.id}`, fields);
    this.journal.record(mailbox, event.id, 'created');
    return { event, created: true };
  }

  get(mailbox: string, id: string): CalendarEvent | undefined {
    return this.byMailbox.get(mailbox)?.get(id);
  }

  /** Graph's PATCH: each property sent replaces the stored one. */
  update(mailbox: string, id: string, fields: Readonly<Record<string, unknown>>): CalendarEvent | undefined {
    const event = this.get(mailbox, id);
    if (!event) return undefined;
    // transactionId is set at creation only.
    Object.assign(event, writable(fields, 'transactionId'));
    event.bodyPreview = preview(event.body);
    event.lastModifiedDateTime = new Date().toISOString();
    event.changeKey = changeKey();
    this.properties.merge(`${mailbox}\n${id}`, fields);
    this.journal.record(mailbox, id, 'updated');
    return event;
  }

  delete(mailbox: string, id: string): boolean {
    const event = this.get(mailbox, id);
    if (!event) return false;
    this.byMailbox.get(mailbox)?.delete(id);
    if (event.transactionId !== null) this.eventIdByTransaction.delete(`${mailbox}\n${event.transactionId}`);
    this.properties.delete(`${mailbox}\n${id}`);
    this.journal.record(mailbox, id, 'deleted');
    return true;
  }

  /** The resource's answer, as it gives it in Outlook: the event changes like any other write. */
  respond(mailbox: string, id: string, response: string): CalendarEvent | undefined {
    const event = this.get(mailbox, id);
    if (!event) return undefined;
    event.responseStatus = { response, time: new Date().toISOString() };
    event.lastModifiedDateTime = new Date().toISOString();
    event.changeKey = changeKey();
    this.journal.record(mailbox, id, 'updated');
    return event;
  }

  list(mailbox: string): CalendarEvent[] {
    return [...(this.byMailbox.get(mailbox)?.values() ?? [])];
  }

  clear(): void {
    this.byMailbox.clear();
    this.eventIdByTransaction.clear();
    this.properties.clear();
    this.journal.clear();
  }

  private calendar(mailbox: string): Map<string, CalendarEvent> {
    let calendar = this.byMailbox.get(mailbox);
    if (!calendar) {
      calendar = new Map();
      this.byMailbox.set(mailbox, calendar);
    }
    return calendar;
  }
}
