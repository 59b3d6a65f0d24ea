import { isFields, readField } from './fields';
import { wellFormed } from './storageKeys';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type DecodedBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string };

/**
 * What a Service Bus trigger hands over (an object, a JSON string, UTF-8 JSON bytes) as a value.
 * The one decoder of message bodies; never throws.
 */
export function decodeBody(body: unknown): DecodedBody {
  try {
    return decode(body);
  } catch {
    // a hostile value (e.g. a revoked proxy) that cannot even be inspected
    return { ok: false, reason: 'body could not be read as a change message' };
  }
}

function decode(body: unknown): DecodedBody {
  if (body === undefined || body === null) return { ok: false, reason: 'body is empty' };
  let json: string | undefined;
  if (typeof body === 'string') {
    json = body.startsWith('\uFEFF') ? body.slice(1) : body;
  } else if (body instanceof Uint8Array || body instanceof ArrayBuffer) {
    try {
      json = utf8.decode(body);
    } catch {
      return { ok: false, reason: 'body is not valid UTF-8' };
    }
  }
  if (json === undefined) return { ok: true, value: body };
  if (json.trim() === '') return { ok: false, reason: 'body is empty' };
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
}

/** The body as text, for an administrator to inspect an invalid message; never throws. */
export function bodyText(body: unknown): string {
  try {
    if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
    if (typeof body === 'string') return body;
    return JSON.stringify(body) ?? String(body);
  } catch {
    try {
      return String(body);
    } catch {
      return '[a body that cannot be read]';
    }
  }
}

/** The appointment id of an invalid message, when one can be read from it: cut, lone surrogates replaced, so it can be stored. */
export function appointmentIdOf(decoded: DecodedBody): string {
  try {
    const value =
      decoded.ok && isFields(decoded.value) ? readField(decoded.value, 'appointmentId') : undefined;
    return typeof value === 'string' ? wellFormed(value) : '';
  } catch {
    return '';
  }
}
