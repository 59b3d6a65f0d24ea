import { ID_KEY_MAX_LENGTH } from './storageLimits';

/**
 * The one encoding rule of Table Storage keys: keys forbid `/ \ # ?` and control characters, so
 * every id from a message is percent-encoded (UTF-8) first. Throws on a lone surrogate, which the
 * change-message validation rejects before an id gets here.
 */
export function storageKey(id: string): string {
  return encodeURIComponent(id);
}

/** Position of the first UTF-16 code unit that is half of a surrogate pair on its own, or -1. */
export function loneSurrogateAt(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/** The text with every lone surrogate replaced by U+FFFD, so it can be stored and shown. */
export function wellFormed(value: string): string {
  let out = value;
  for (let at = loneSurrogateAt(out); at >= 0; at = loneSurrogateAt(out)) {
    out = `${out.slice(0, at)}\ufffd${out.slice(at + 1)}`;
  }
  return out;
}

/** Why `value` cannot be stored as text (or be a key), or undefined when it can. */
export function textProblem(field: string, value: string): string | undefined {
  const at = loneSurrogateAt(value);
  return at >= 0 ? `${field} is not well-formed UTF-16 (a lone surrogate at position ${at})` : undefined;
}

/** Why `id` cannot become a storage key, or undefined when it can. */
export function keyProblem(field: string, id: string): string | undefined {
  const malformed = textProblem(field, id);
  if (malformed) return malformed;
  const length = storageKey(id).length;
  return length > ID_KEY_MAX_LENGTH
    ? `${field} is ${length} characters once encoded for a storage key; at most ${ID_KEY_MAX_LENGTH}`
    : undefined;
}
