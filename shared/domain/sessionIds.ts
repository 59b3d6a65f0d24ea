import { createHash } from 'node:crypto';
import { isFields, readField } from './fields';
import { decodeBody } from './messageBody';

/**
 * The Service Bus session a message belongs to. The queue requires sessions, and Service Bus hands a
 * session to one receiver at a time, in order: every message about one appointment carries the
 * appointment id as its session id, so its changes are never worked on by two instances at once.
 * Resource changes are serialized per resource the same way.
 */
export function appointmentSessionId(appointmentId: string): string {
  return withinSessionIdLimit(appointmentId);
}

export function resourceSessionId(resourceId: string): string {
  return withinSessionIdLimit(`resource:${resourceId}`);
}

/** Service Bus refuses a session id of more than 128 characters. */
export const MAX_SESSION_ID_LENGTH = 128;

/**
 * A session id Service Bus accepts: the id itself up to 128 characters, else `sha256:` and the hex
 * SHA-256 of its UTF-8 bytes (71 characters). Ids may be 200 characters long, so the back office
 * applies the same rule.
 */
export function withinSessionIdLimit(id: string): string {
  return id.length <= MAX_SESSION_ID_LENGTH
    ? id
    : `sha256:${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

/**
 * The session id a change or replay message must be sent with, read from its body (what the back
 * office must set; `undefined` when the body names neither an appointment nor a resource).
 */
export function sessionIdForBody(body: unknown): string | undefined {
  const decoded = decodeBody(body);
  if (!decoded.ok || !isFields(decoded.value)) return undefined;
  const fields = decoded.value;
  const appointmentId = readField(fields, 'appointmentId');
  if (readField(fields, 'kind') !== 'resource' && typeof appointmentId === 'string' && appointmentId !== '')
    return appointmentSessionId(appointmentId);
  const resource = readField(fields, 'resource');
  const resourceId = isFields(resource) ? readField(resource, 'id') : undefined;
  return typeof resourceId === 'string' && resourceId !== '' ? resourceSessionId(resourceId) : undefined;
}
