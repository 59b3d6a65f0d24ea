/**
 * Change messages from the back office (DESIGN.md, "Contracts"): decoding and validation.
 * Pure domain code: no I/O, no SDK. Every rejection names one field path and says what is wrong
 * with it in one sentence, quoting at most 80 characters of the bad value, free of control characters.
 */
import {
  checkDateTime,
  codePointName,
  describe,
  firstControlChar,
  firstInvalidTextChar,
  isMailbox,
  isTimeZone,
  MAX_MAILBOX_LENGTH,
  quote,
} from './changeMessageFormats';
import { isFields, readField } from './fields';
import { decodeBody } from './messageBody';
import { keyProblem, textProblem } from './storageKeys';
import {
  EARLIEST_DATE_TIME,
  LATEST_DATE_TIME,
  MAX_RESOURCES_PER_APPOINTMENT,
  MAX_STORED_SNAPSHOT_CHARS,
} from './storageLimits';
import { DAY_MS } from './time';

export interface ResourceAssignment {
  readonly id: string;
  readonly name: string;
  readonly mailbox: string;
  readonly exchangeEnabled: boolean;
}

export interface AppointmentSnapshot {
  readonly subject: string;
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly location: string;
  readonly body: string;
  readonly isAllDay: boolean;
  readonly resources: readonly ResourceAssignment[];
}

interface AppointmentChangeBase {
  readonly kind: 'appointment';
  readonly changeId: string;
  readonly appointmentId: string;
  /** Ordering key: `version` when given, else Date.parse(changedAt). */
  readonly version: number;
  readonly changedAt?: string;
}

export type AppointmentChange =
  | (AppointmentChangeBase & { readonly operation: 'upsert'; readonly appointment: AppointmentSnapshot })
  | (AppointmentChangeBase & { readonly operation: 'delete' });

export interface ResourceChange {
  readonly kind: 'resource';
  readonly changeId: string;
  readonly resource: ResourceAssignment;
  readonly changedAt: string;
}

export type ChangeMessage = AppointmentChange | ResourceChange;

export type ParsedChange =
  | { readonly ok: true; readonly change: ChangeMessage }
  | { readonly ok: false; readonly field: string; readonly reason: string };

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

/** Derived id of a resource change that carries no `changeId`: deterministic, so redelivery is idempotent. */
export function resourceChangeId(resourceId: string, changedAt: string): string {
  return `resource:${resourceId}:${changedAt}`;
}

// ---------------------------------------------------------------------------------------------

/** Thrown inside the parser only; never escapes {@link parseChangeMessage}. */
class Rejection {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {}
}

function reject(field: string, reason: string): never {
  throw new Rejection(field, reason);
}

type Fields = object;

function path(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function objectAt(value: unknown, field: string): Fields {
  if (value === undefined) reject(field, `${field} is required`);
  if (!isFields(value)) reject(field, `${field} must be an object, got ${describe(value)}`);
  return value;
}

function stringAt(value: unknown, field: string): string {
  if (value === undefined) reject(field, `${field} is required`);
  if (typeof value !== 'string') reject(field, `${field} must be a string, got ${describe(value)}`);
  return value;
}

/** Non-empty, not blank, at most 200 characters, no control characters, a storage key within its limit. */
function identifier(o: Fields, prefix: string, key: string): string {
  const field = path(prefix, key);
  const value = stringAt(readField(o, key), field);
  if (value.trim() === '') reject(field, `${field} must not be empty`);
  if (value.length > CHANGE_MESSAGE_LIMITS.idLength) {
    reject(
      field,
      `${field} is longer than ${CHANGE_MESSAGE_LIMITS.idLength} characters (${value.length}): ${quote(value)}`,
    );
  }
  const bad = firstControlChar(value);
  if (bad >= 0) {
    reject(
      field,
      `${field} contains the control character ${codePointName(value.charAt(bad))} at position ${bad}`,
    );
  }
  const problem = keyProblem(field, value);
  if (problem) reject(field, problem);
  return value;
}

/** Free text: at most `max` characters, nothing Exchange cannot store. `null` counts as absent. */
function text(o: Fields, prefix: string, key: string, max: number, fallback?: string): string {
  const field = path(prefix, key);
  const raw = readField(o, key);
  const value =
    fallback !== undefined && (raw === undefined || raw === null) ? fallback : stringAt(raw, field);
  if (value.length > max) reject(field, `${field} is longer than ${max} characters (${value.length})`);
  const malformed = textProblem(field, value);
  if (malformed) reject(field, malformed);
  const bad = firstInvalidTextChar(value);
  if (bad >= 0) {
    reject(
      field,
      `${field} contains the control character ${codePointName(value.charAt(bad))} at position ${bad}`,
    );
  }
  return value;
}

function booleanAt(o: Fields, prefix: string, key: string, fallback?: boolean): boolean {
  const field = path(prefix, key);
  const raw = readField(o, key);
  if (fallback !== undefined && (raw === undefined || raw === null)) return fallback;
  if (raw === undefined) reject(field, `${field} is required`);
  if (typeof raw !== 'boolean') reject(field, `${field} must be true or false, got ${describe(raw)}`);
  return raw;
}

const EARLIEST_MS = Date.parse(EARLIEST_DATE_TIME);
const LATEST_MS = Date.parse(LATEST_DATE_TIME);

interface DateTimeValue {
  readonly value: string;
  readonly epochMs: number;
  readonly midnight: boolean;
}

function dateTime(value: unknown, field: string): DateTimeValue {
  const text = stringAt(value, field);
  const check = checkDateTime(text);
  if (check.ok && (check.epochMs < EARLIEST_MS || check.epochMs > LATEST_MS)) {
    reject(
      field,
      `${field} ${quote(text)} is outside ${EARLIEST_DATE_TIME} … ${LATEST_DATE_TIME}, what Table Storage and Exchange store`,
    );
  }
  if (check.ok) return { value: text, epochMs: check.epochMs, midnight: check.midnight };
  switch (check.problem) {
    case 'calendar':
      return reject(field, `${field} ${quote(text)} is not a real date and time`);
    case 'offset':
      return reject(field, `${field} ${quote(text)} has an offset beyond ±14:00`);
    default:
      return reject(
        field,
        `${field} ${quote(text)} is not an ISO 8601 date-time with offset (e.g. 2026-12-01T10:00:00+01:00)`,
      );
  }
}

// ---------------------------------------------------------------------------------------------

function kindOf(o: Fields): 'appointment' | 'resource' {
  const kind = readField(o, 'kind');
  if (kind === 'appointment' || kind === 'resource') return kind;
  if (kind !== undefined && kind !== null) {
    reject('kind', `kind must be "appointment" or "resource", got ${describe(kind)}`);
  }
  const hasResource = readField(o, 'resource') !== undefined && readField(o, 'resource') !== null;
  const hasAppointmentId =
    readField(o, 'appointmentId') !== undefined && readField(o, 'appointmentId') !== null;
  if (hasResource && hasAppointmentId) {
    reject('kind', 'kind is missing and the body has both resource and appointmentId, so it is ambiguous');
  }
  if (hasResource) return 'resource';
  if (hasAppointmentId) return 'appointment';
  return reject(
    'kind',
    'kind is missing and cannot be inferred: the body has neither resource nor appointmentId',
  );
}

function parseResource(value: unknown, prefix: string): ResourceAssignment {
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

function parseSnapshot(value: unknown): AppointmentSnapshot {
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

function parseAppointmentChange(o: Fields): AppointmentChange {
  const changeId = identifier(o, '', 'changeId');
  const appointmentId = identifier(o, '', 'appointmentId');
  const rawVersion = readField(o, 'version');
  const rawChangedAt = readField(o, 'changedAt');
  const changedAt =
    rawChangedAt === undefined || rawChangedAt === null ? undefined : dateTime(rawChangedAt, 'changedAt');
  let version: number;
  if (rawVersion !== undefined && rawVersion !== null) {
    if (typeof rawVersion !== 'number' || !Number.isSafeInteger(rawVersion) || rawVersion < 0) {
      reject('version', `version must be a non-negative integer, got ${describe(rawVersion)}`);
    }
    version = rawVersion + 0; // -0 → 0
  } else if (changedAt) {
    if (changedAt.epochMs < 0) {
      reject('changedAt', 'changedAt must not be before 1970-01-01T00:00:00Z when there is no version');
    }
    version = changedAt.epochMs;
  } else {
    return reject('version', 'version is required when changedAt is absent (one of them orders the changes)');
  }
  const base = {
    kind: 'appointment' as const,
    changeId,
    appointmentId,
    version,
    ...(changedAt ? { changedAt: changedAt.value } : {}),
  };
  const operation = readField(o, 'operation');
  if (operation === 'delete') return { ...base, operation };
  if (operation === 'upsert')
    return { ...base, operation, appointment: parseSnapshot(readField(o, 'appointment')) };
  if (operation === undefined) return reject('operation', 'operation is required ("upsert" or "delete")');
  return reject('operation', `operation must be "upsert" or "delete", got ${describe(operation)}`);
}

function parseResourceChange(o: Fields): ResourceChange {
  const resource = parseResource(readField(o, 'resource'), 'resource');
  const rawChangedAt = readField(o, 'changedAt');
  const changedAt = dateTime(rawChangedAt === null ? undefined : rawChangedAt, 'changedAt').value;
  const rawChangeId = readField(o, 'changeId');
  const changeId =
    rawChangeId === undefined || rawChangeId === null
      ? resourceChangeId(resource.id, changedAt)
      : identifier(o, '', 'changeId');
  return { kind: 'resource', changeId, resource, changedAt };
}

function failure(error: unknown): ParsedChange {
  try {
    if (error instanceof Rejection) return { ok: false, field: error.field, reason: error.reason };
  } catch {
    // a hostile thrown value (e.g. a revoked proxy): fall through
  }
  return { ok: false, field: '', reason: 'body could not be read as a change message' };
}

/**
 * Accepts what a Service Bus trigger hands over: an object, a JSON string, a Buffer/Uint8Array of
 * UTF-8 JSON. Never throws. Extra fields are ignored and not copied into the result; `null` counts
 * as absent for optional fields.
 */
export function parseChangeMessage(body: unknown, decodedBody = decodeBody(body)): ParsedChange {
  try {
    if (!decodedBody.ok) return failure(new Rejection('', decodedBody.reason));
    const decoded = decodedBody.value;
    if (!isFields(decoded))
      return failure(new Rejection('', `body must be a JSON object, got ${describe(decoded)}`));
    const change =
      kindOf(decoded) === 'resource' ? parseResourceChange(decoded) : parseAppointmentChange(decoded);
    return { ok: true, change };
  } catch (error) {
    return failure(error);
  }
}
