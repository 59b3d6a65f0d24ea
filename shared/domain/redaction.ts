const MASK = '[redacted]';
/** Shorter values are no secret worth masking (and would mask ordinary words). */
const MIN_SECRET_LENGTH = 4;
/** A secret cut by a length limit upstream: this many of its first characters before a cut marker. */
const MIN_CUT_PREFIX = 6;
const CUT_MARKER = '…';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Percent-encoding as a pattern whose hex digits match in either case (`%2F` and `%2f`). */
function percentPattern(encoded: string): string {
  return escapeRegExp(encoded).replace(/%([0-9A-F])([0-9A-F])/g, (_, high: string, low: string) => {
    const either = (digit: string) =>
      digit === digit.toLowerCase() ? digit : `[${digit}${digit.toLowerCase()}]`;
    return `%${either(high)}${either(low)}`;
  });
}

/** `application/x-www-form-urlencoded`: `+` for a space, everything but `*-._` and alphanumerics percent-encoded. */
function formEncoded(text: string): string {
  return new URLSearchParams([['', text]]).toString().slice(1);
}

/**
 * The base64 characters that stand for `bytes` wherever they sit in a longer encoded value: one
 * core for each of the three byte alignments, without the characters shared with neighbouring bytes.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    if (core.length >= MIN_SECRET_LENGTH) cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/** Every form a secret takes in text: as is, JSON-escaped, URL- and form-encoded (once or twice), base64. */
function secretPattern(secret: string): string {
  const json = JSON.stringify(secret).slice(1, -1);
  const asciiJson = json.replace(
    /[^\x20-\x7e]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const percentForms = [encodeURIComponent(secret), encodeURI(secret), formEncoded(secret)].flatMap(
    (once) => [once, encodeURIComponent(once), formEncoded(once)],
  );
  const literal = [secret, json, asciiJson, ...base64Cores(Buffer.from(secret, 'utf8'))].map(escapeRegExp);
  const cutPrefix = [...secret].slice(0, Math.max(MIN_CUT_PREFIX, 1)).join('');
  const cut =
    secret.length > MIN_CUT_PREFIX ? [`${escapeRegExp(cutPrefix)}[^${CUT_MARKER}\\s"]*${CUT_MARKER}`] : [];
  const alternatives = [...new Set([...literal, ...percentForms.map(percentPattern)])];
  // Longest first, so a longer form is masked whole rather than around a shorter one inside it.
  alternatives.sort((a, b) => b.length - a.length);
  return [...alternatives, ...cut].join('|');
}

const patterns = new Map<string, RegExp>();

function patternFor(secret: string): RegExp {
  let pattern = patterns.get(secret);
  if (!pattern) {
    if (patterns.size > 100) patterns.clear();
    pattern = new RegExp(secretPattern(secret), 'g');
    patterns.set(secret, pattern);
  }
  return pattern;
}

/**
 * Removes every occurrence of the given secret values from a text, in each encoding it may travel
 * in, and the start of one that a length limit cut off before a `…` marker. Redact first, then cut:
 * text cut before redaction can only be caught by that marker.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    result = result.replace(patternFor(secret), MASK);
  }
  return result;
}

/** The same for every string inside a JSON-like value. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets)) as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, redactDeep(item, secrets)]),
  ) as T;
}
