/**
 * Format checks and value descriptions used by the change-message parser. Pure functions, no I/O.
 */

/** At most this many characters of a bad value are quoted in a reason. */
export const MAX_ECHO_LENGTH = 80;

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '"': '\\"',
  '\\': '\\\\',
};

/** Code points that would make a reason unreadable or misleading: controls, separators, bidi, lone surrogates. */
function mustEscape(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    cp === 0xfeff
  );
}

function escapeChar(ch: string): string {
  const named = NAMED_ESCAPES[ch];
  if (named !== undefined) return named;
  const cp = ch.codePointAt(0) ?? 0;
  return mustEscape(cp) ? `\\u${cp.toString(16).padStart(4, '0')}` : ch;
}

/** `"value"`, escaped, at most {@link MAX_ECHO_LENGTH} characters of it, with the full length when cut. */
export function quote(value: string): string {
  let out = '';
  for (const ch of value) {
    const escaped = escapeChar(ch);
    if (out.length + escaped.length > MAX_ECHO_LENGTH) {
      return `"${out}…" (${value.length} characters)`;
    }
    out += escaped;
  }
  return `"${out}"`;
}

/** A short, safe description of any value, e.g. `a number (42)`, `a string ("x")`, `an array`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return 'nothing';
    case 'string':
      return `a string (${quote(value)})`;
    case 'number':
      return `a number (${String(value)})`;
    case 'boolean':
      return `a boolean (${String(value)})`;
    case 'bigint':
      return 'a bigint';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return Array.isArray(value) ? 'an array' : 'an object';
  }
}

/** `U+0007` style name of a character. */
export function codePointName(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Index of the first C0/C1 control character or DEL, or -1. Identifiers allow none. */
export function firstControlChar(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return i;
  }
  return -1;
}

/**
 * Index of the first character that XML 1.0 (and so Exchange) cannot store, or -1. Tab, line feed
 * and carriage return are fine in free text.
 */
export function firstInvalidTextChar(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Date-times

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Longest date-time string worth looking at (`2026-12-01T10:00:00.123456789+01:00` is 35). */
const MAX_DATE_TIME_LENGTH = 40;

export type DateTimeCheck =
  | { readonly ok: true; readonly epochMs: number; readonly midnight: boolean }
  | { readonly ok: false; readonly problem: 'format' | 'calendar' | 'offset' };

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * An ISO 8601 date-time with `Z` or a `±HH:MM` offset (seconds and up to nine fraction digits
 * optional) that names a real instant: no 30 February, no 24:00, offsets within ±14:00.
 */
export function checkDateTime(value: string): DateTimeCheck {
  if (value.length > MAX_DATE_TIME_LENGTH) return { ok: false, problem: 'format' };
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return { ok: false, problem: 'format' };
  const [, y, mo, d, h, mi, s, frac, , oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, problem: 'calendar' };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: 'calendar' };
  if (oh !== undefined && om !== undefined) {
    const offsetMinutes = Number(oh) * 60 + Number(om);
    if (Number(om) > 59 || offsetMinutes > 14 * 60) return { ok: false, problem: 'offset' };
  }
  const epochMs = Date.parse(value);
  if (!Number.isFinite(epochMs)) return { ok: false, problem: 'format' };
  const midnight = hour === 0 && minute === 0 && second === 0 && /^0*$/.test(frac ?? '');
  return { ok: true, epochMs, midnight };
}

// ---------------------------------------------------------------------------------------------
// Time zones

const MAX_TIME_ZONE_LENGTH = 100;
const IANA_SHAPE = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;
/** Windows time zone ids: `W. Europe Standard Time`, `Russia Time Zone 3`, `UTC+12`, `UTC`. */
const WINDOWS_TIME_ZONE =
  /^(?:[A-Z][A-Za-z.'-]*(?: [A-Za-z.'-]+)* (?:Standard|Daylight) Time|Russia Time Zone \d{1,2}|UTC(?:[+-]\d{2})?)$/;

const ianaCache = new Map<string, boolean>();
const IANA_CACHE_LIMIT = 1000;

function isIanaTimeZone(value: string): boolean {
  const cached = ianaCache.get(value);
  if (cached !== undefined) return cached;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    valid = true;
  } catch {
    valid = false;
  }
  if (ianaCache.size >= IANA_CACHE_LIMIT) ianaCache.clear();
  ianaCache.set(value, valid);
  return valid;
}

/** An IANA name that `Intl.DateTimeFormat` accepts, or a Windows time zone id. */
export function isTimeZone(value: string): boolean {
  if (value.length === 0 || value.length > MAX_TIME_ZONE_LENGTH) return false;
  if (WINDOWS_TIME_ZONE.test(value)) return true;
  return IANA_SHAPE.test(value) && isIanaTimeZone(value);
}

// ---------------------------------------------------------------------------------------------
// Mailboxes

export const MAX_MAILBOX_LENGTH = 320;
/**
 * Exchange's rule for an alias (the local part of the addresses it makes), from the `-Alias` parameter
 * of `New-Mailbox` (learn.microsoft.com/powershell/module/exchange/new-mailbox): letters, digits,
 * `! # % * + - / = ? ^ _ ~ $ & ' \` { } |`, dots between them. Of these, `/ ? # % $ &` are
 * refused here: Graph addresses the mailbox in its URL path (`/users/{address}`), where they would
 * arrive as `%2F`, `%3F`, … (or as OData's `$`), and none of them can be in a user principal name
 * (Graph's `userPrincipalName`: `A-Z a-z 0-9 ' . - _ ! # ^ ~`). Exchange's U+00A1–U+00FF are refused
 * as well: SMTP addresses stay ASCII.
 */
const LOCAL_PART = /^[A-Za-z0-9!'*+=^_`{|}~-]+(?:\.[A-Za-z0-9!'*+=^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_LABEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/**
 * `local@domain.tld`: an SMTP address or a UPN (same shape). Dot-atom local part of at most 64
 * characters, a domain of at least two labels with an alphabetic (or punycode) top-level label.
 */
export function isMailbox(value: string): boolean {
  if (value.length === 0 || value.length > MAX_MAILBOX_LENGTH) return false;
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || domain.length > 253 || !LOCAL_PART.test(local)) return false;
  const labels = domain.split('.');
  const tld = labels[labels.length - 1];
  if (labels.length < 2 || tld === undefined || !TOP_LEVEL_LABEL.test(tld)) return false;
  return labels.every((label) => DOMAIN_LABEL.test(label));
}
