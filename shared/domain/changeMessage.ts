/**
 * Change messages from the back office (DESIGN.md, "Contracts"): decoding and validation.
 * Pure domain code: no I/O, no SDK. Every rejection names one field path and says what is wrong
 * with it in one sentence, quoting at most 80 characters of the bad value, free of control characters.
 */

import { dateTime, type Fields, identifier, Rejection, reject } from './changeMessageFields';
import { describe } from './changeMessageFormats';
import { isFields, readField } from './fields';
import { decodeBody } from './messageBody';
import { type PrivacyOverride, PrivacyRuleError, parsePrivacyOverride } from './privacyRules';
import { parseResource, parseSnapshot } from './snapshotParser';

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
  /** `resource.privacy`: what the resource shares of its own Outlook events (issue 21). */
  readonly privacy?: PrivacyOverride;
}

export type ChangeMessage = AppointmentChange | ResourceChange;

export type ParsedChange =
  | { readonly ok: true; readonly change: ChangeMessage }
  | { readonly ok: false; readonly field: string; readonly reason: string };

/** Derived id of a resource change that carries no `changeId`: deterministic, so redelivery is idempotent. */
export function resourceChangeId(resourceId: string, changedAt: string): string {
  return `resource:${resourceId}:${changedAt}`;
}

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
  const privacy = privacyOf(readField(readField(o, 'resource') as Fields, 'privacy'));
  return { kind: 'resource', changeId, resource, changedAt, ...(privacy ? { privacy } : {}) };
}

function privacyOf(value: unknown): PrivacyOverride | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return parsePrivacyOverride(value);
  } catch (error) {
    if (error instanceof PrivacyRuleError) reject('resource.privacy', `resource.privacy: ${error.message}`);
    throw error;
  }
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
