/** A string property holds at most 64 KiB, i.e. 32 Ki UTF-16 code units; this leaves a margin. */
export const MAX_PROPERTY_CHARS = 32_000;

/** The longest prefix within `limit` code units that does not split a surrogate pair. */
function prefix(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const last = text.charCodeAt(limit - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit);
}

/** Cuts a string to what one property holds. */
export function cut(text: string): string {
  return prefix(text, MAX_PROPERTY_CHARS);
}

/**
 * JSON of any length as `Name`, `Name1`, `Name2`, … (each within one property), so that a long
 * value stays parseable instead of being cut; the service still enforces the 1 MiB entity limit.
 */
export function jsonProperties(name: string, value: unknown): Record<string, string> {
  let rest = JSON.stringify(value);
  const properties: Record<string, string> = {};
  for (let part = 0; part === 0 || rest.length > 0; part++) {
    const chunk = prefix(rest, MAX_PROPERTY_CHARS);
    properties[part === 0 ? name : `${name}${part}`] = chunk;
    rest = rest.slice(chunk.length);
  }
  return properties;
}

/** Reads what `jsonProperties` wrote; `fallback` when absent or unreadable. */
export function readJsonProperties<T>(entity: Record<string, unknown>, name: string, fallback: T): T {
  let text = '';
  for (let part = 0; ; part++) {
    const chunk = entity[part === 0 ? name : `${name}${part}`];
    if (typeof chunk !== 'string') break;
    text += chunk;
  }
  if (text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Numbers that may exceed Int32 are stored as Double: Int64 comes back as BigInt. */
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

export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** `{ [name]: value }`, or nothing when the value is absent: optional fields and properties. */
export function optional<T>(name: string, value: T | undefined): Record<string, T> {
  return value === undefined ? {} : { [name]: value };
}
