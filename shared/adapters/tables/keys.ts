/** Table keys forbid / \ # ? and control characters; every id from a message is encoded first. */
export function key(id: string): string {
  return encodeURIComponent(id);
}

/** `yyyyMMdd` of a date in UTC: the Failures partition of a transaction. */
export function dayKey(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

const LATEST = 9_999_999_999_999;

/** Newest first inside a day: the inverted creation time, then the transaction. */
export function newestFirstKey(createdAt: Date, transactionId: string): string {
  return `${String(LATEST - createdAt.getTime()).padStart(13, '0')}_${key(transactionId)}`;
}

/** The row key bound that keeps only rows created at or after `since` in its day. */
export function newestFirstBound(since: Date): string {
  return `${String(LATEST - since.getTime()).padStart(13, '0')}_~`;
}

/** Strings are cut to what one property holds (64 KiB as UTF-16). */
export function cut(text: string): string {
  return text.length > 32_000 ? text.slice(0, 32_000) : text;
}

export function double(value: number): { value: string; type: 'Double' } {
  return { value: String(value), type: 'Double' };
}

export function asDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string' && value !== '') return new Date(value);
  return undefined;
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value !== '') return Number(value);
  return undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function parseJson<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string' || value === '') return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}
