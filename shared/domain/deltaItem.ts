import { createHash } from 'node:crypto';
import { isFields } from './fields';

export interface DateTimeTimeZone {
  readonly dateTime: string;
  readonly timeZone: string;
}

/** One item of a calendar delta page, as the decision needs it. */
export interface DeltaEvent {
  readonly eventId: string;
  /** `@removed`: deleted (or otherwise gone from the window). */
  readonly removed: boolean;
  readonly changeKey?: string;
  readonly start?: DateTimeTimeZone;
  readonly end?: DateTimeTimeZone;
  readonly isAllDay?: boolean;
  readonly showAs?: string;
  /** `responseStatus.response`: none, organizer, accepted, tentativelyAccepted, declined, … */
  readonly response?: string;
  readonly subject?: string;
  readonly location?: string;
  /** normal, personal, private or confidential (issue 21's privacy rules). */
  readonly sensitivity?: string;
  /** singleInstance, occurrence, exception or seriesMaster. */
  readonly type?: string;
  readonly seriesMasterId?: string;
}

function dateTimeOf(value: unknown): DateTimeTimeZone | undefined {
  if (!isFields(value) || typeof value.dateTime !== 'string' || typeof value.timeZone !== 'string')
    return undefined;
  return { dateTime: value.dateTime, timeZone: value.timeZone };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Graph's JSON for one delta item; undefined for anything without an id. */
export function parseDeltaItem(raw: unknown): DeltaEvent | undefined {
  if (!isFields(raw) || typeof raw.id !== 'string' || raw.id === '') return undefined;
  if (raw['@removed'] !== undefined) return { eventId: raw.id, removed: true };
  const start = dateTimeOf(raw.start);
  const end = dateTimeOf(raw.end);
  const response = isFields(raw.responseStatus) ? text(raw.responseStatus.response) : undefined;
  const location = isFields(raw.location) ? text(raw.location.displayName) : undefined;
  const changeKey = text(raw.changeKey);
  const subject = text(raw.subject);
  const showAs = text(raw.showAs);
  const sensitivity = text(raw.sensitivity);
  const type = text(raw.type);
  const seriesMasterId = text(raw.seriesMasterId);
  return {
    eventId: raw.id,
    removed: false,
    ...(changeKey !== undefined ? { changeKey } : {}),
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    ...(typeof raw.isAllDay === 'boolean' ? { isAllDay: raw.isAllDay } : {}),
    ...(showAs !== undefined ? { showAs } : {}),
    ...(response !== undefined ? { response } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(location !== undefined ? { location } : {}),
    ...(sensitivity !== undefined ? { sensitivity } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(seriesMasterId !== undefined ? { seriesMasterId } : {}),
  };
}

/**
 * A point in time to compare and publish: an ISO instant (`…Z`) for UTC, else the wall-clock time
 * (seconds precision) and its zone, as all-day events are written.
 */
export function comparableTime(value: DateTimeTimeZone | undefined): string | undefined {
  if (!value) return undefined;
  if (value.timeZone.toUpperCase() === 'UTC') {
    const instant = Date.parse(/[zZ]$/.test(value.dateTime) ? value.dateTime : `${value.dateTime}Z`);
    return Number.isNaN(instant) ? undefined : new Date(instant).toISOString().replace('.000Z', 'Z');
  }
  return `${value.dateTime.slice(0, 19)} ${value.timeZone}`;
}

/** Subject and location, hashed: enough to notice a change without keeping the text. */
export function detailsHash(subject: string | undefined, location: string | undefined): string {
  return createHash('sha256')
    .update(`${subject ?? ''}\u0000${location ?? ''}`)
    .digest('hex')
    .slice(0, 24);
}
