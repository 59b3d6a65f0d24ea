/** The appointment snapshot and its resources, field by field. */

import type { AppointmentSnapshot, ResourceAssignment } from './changeMessage';
import {
  booleanAt,
  dateTime,
  identifier,
  objectAt,
  path,
  reject,
  stringAt,
  text,
} from './changeMessageFields';
import { describe, isMailbox, isTimeZone, quote } from './changeMessageFormats';
import { readField } from './fields';
import { CHANGE_MESSAGE_LIMITS, MAX_STORED_SNAPSHOT_CHARS } from './storageLimits';
import { DAY_MS } from './time';

export function parseResource(value: unknown, prefix: string): ResourceAssignment {
  const o = objectAt(value, prefix);
  const id = identifier(o, prefix, 'id');
  // A missing, null or blank name defaults to the resource id.
  const rawName = readField(o, 'name');
  const name =
    typeof rawName === 'string' && rawName.trim() === ''
      ? id
      : text(o, prefix, 'name', CHANGE_MESSAGE_LIMITS.nameLength, id);
  const mailboxField = path(prefix, 'mailbox');
  const mailbox = stringAt(readField(o, 'mailbox'), mailboxField);
  if (mailbox.length > CHANGE_MESSAGE_LIMITS.mailboxLength) {
    reject(
      mailboxField,
      `${mailboxField} is longer than ${CHANGE_MESSAGE_LIMITS.mailboxLength} characters (${mailbox.length})`,
    );
  }
  if (!isMailbox(mailbox)) {
    reject(mailboxField, `${mailboxField} ${quote(mailbox)} is not an email address or UPN`);
  }
  const exchangeEnabled = booleanAt(o, prefix, 'exchangeEnabled');
  return { id, name, mailbox, exchangeEnabled };
}

function parseResources(value: unknown, field: string): ResourceAssignment[] {
  if (value === undefined)
    reject(field, `${field} is required (an empty array when no resource is assigned)`);
  if (!Array.isArray(value)) reject(field, `${field} must be an array, got ${describe(value)}`);
  const items: readonly unknown[] = value;
  if (items.length > CHANGE_MESSAGE_LIMITS.resources) {
    reject(
      field,
      `${field} has ${items.length} entries; at most ${CHANGE_MESSAGE_LIMITS.resources} are allowed`,
    );
  }
  const resources: ResourceAssignment[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const resource = parseResource(items[i], `${field}[${i}]`);
    const first = seen.get(resource.id);
    if (first !== undefined) {
      reject(
        `${field}[${i}].id`,
        `${field}[${i}].id ${quote(resource.id)} is a duplicate of ${field}[${first}].id`,
      );
    }
    seen.set(resource.id, i);
    resources.push(resource);
  }
  return resources;
}

export function parseSnapshot(value: unknown): AppointmentSnapshot {
  const prefix = 'appointment';
  const o = objectAt(value, prefix);
  const subject = text(o, prefix, 'subject', CHANGE_MESSAGE_LIMITS.subjectLength);
  const start = dateTime(readField(o, 'start'), 'appointment.start');
  const end = dateTime(readField(o, 'end'), 'appointment.end');
  const timeZone = stringAt(readField(o, 'timeZone'), 'appointment.timeZone');
  if (!isTimeZone(timeZone)) {
    reject(
      'appointment.timeZone',
      `appointment.timeZone ${quote(timeZone)} is not an IANA or Windows time zone name (e.g. Europe/Amsterdam or W. Europe Standard Time)`,
    );
  }
  const location = text(o, prefix, 'location', CHANGE_MESSAGE_LIMITS.locationLength, '');
  const body = text(o, prefix, 'body', CHANGE_MESSAGE_LIMITS.bodyLength, '');
  const isAllDay = booleanAt(o, prefix, 'isAllDay', false);
  if (end.epochMs === start.epochMs) {
    reject(
      'appointment.end',
      'appointment.end is equal to appointment.start; an appointment must end after it starts',
    );
  }
  if (end.epochMs < start.epochMs) reject('appointment.end', 'appointment.end is before appointment.start');
  if (end.epochMs - start.epochMs > CHANGE_MESSAGE_LIMITS.durationDays * DAY_MS) {
    reject(
      'appointment.end',
      `appointment.end is more than ${CHANGE_MESSAGE_LIMITS.durationDays} days (5 years) after appointment.start`,
    );
  }
  if (isAllDay && !start.midnight) {
    reject('appointment.start', 'appointment.start must be at midnight (T00:00:00) when isAllDay is true');
  }
  if (isAllDay && !end.midnight) {
    reject('appointment.end', 'appointment.end must be at midnight (T00:00:00) when isAllDay is true');
  }
  const resources = parseResources(readField(o, 'resources'), 'appointment.resources');
  const snapshot = {
    subject,
    start: start.value,
    end: end.value,
    timeZone,
    location,
    body,
    isAllDay,
    resources,
  };
  const stored = JSON.stringify(snapshot).length;
  if (stored > MAX_STORED_SNAPSHOT_CHARS) {
    reject(
      prefix,
      `${prefix} is ${stored} characters once stored; at most ${MAX_STORED_SNAPSHOT_CHARS} (shorten appointment.body)`,
    );
  }
  return snapshot;
}
