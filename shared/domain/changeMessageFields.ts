/** Readers of one field of a change message each: they throw a `Rejection` naming the field and why. */
/** Thrown inside the parser only; never escapes {@link parseChangeMessage}. */
import {
  checkDateTime,
  codePointName,
  describe,
  firstControlChar,
  firstInvalidTextChar,
  quote,
} from './changeMessageFormats';
import { isFields, readField } from './fields';
import { keyProblem, textProblem } from './storageKeys';
import { CHANGE_MESSAGE_LIMITS, EARLIEST_DATE_TIME, LATEST_DATE_TIME } from './storageLimits';

export class Rejection {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {}
}

export function reject(field: string, reason: string): never {
  throw new Rejection(field, reason);
}

export type Fields = object;

export function path(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

export function objectAt(value: unknown, field: string): Fields {
  if (value === undefined) reject(field, `${field} is required`);
  if (!isFields(value)) reject(field, `${field} must be an object, got ${describe(value)}`);
  return value;
}

export function stringAt(value: unknown, field: string): string {
  if (value === undefined) reject(field, `${field} is required`);
  if (typeof value !== 'string') reject(field, `${field} must be a string, got ${describe(value)}`);
  return value;
}

/** Non-empty, not blank, at most 200 characters, no control characters, a storage key within its limit. */
export function identifier(o: Fields, prefix: string, key: string): string {
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
export function text(o: Fields, prefix: string, key: string, max: number, fallback?: string): string {
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

export function booleanAt(o: Fields, prefix: string, key: string, fallback?: boolean): boolean {
  const field = path(prefix, key);
  const raw = readField(o, key);
  if (fallback !== undefined && (raw === undefined || raw === null)) return fallback;
  if (raw === undefined) reject(field, `${field} is required`);
  if (typeof raw !== 'boolean') reject(field, `${field} must be true or false, got ${describe(raw)}`);
  return raw;
}

const EARLIEST_MS = Date.parse(EARLIEST_DATE_TIME);
const LATEST_MS = Date.parse(LATEST_DATE_TIME);

export interface DateTimeValue {
  readonly value: string;
  readonly epochMs: number;
  readonly midnight: boolean;
}

export function dateTime(value: unknown, field: string): DateTimeValue {
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
