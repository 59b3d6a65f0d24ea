/**
 * What of an invalid message's raw body an operator needs to find the fault, and no more: the
 * structure with the contract's identifiers, dates and flags, every other text replaced by its length;
 * for a body that is not JSON, the characters around the place where it breaks.
 */
const KEPT_FIELDS = new Set([
  'kind',
  'changeId',
  'appointmentId',
  'version',
  'operation',
  'changedAt',
  'start',
  'end',
  'timeZone',
  'isAllDay',
  'id',
  'exchangeEnabled',
]);
export const EXCERPT_LIMIT = 2_000;
const KEPT_TEXT = 100;
const CONTEXT = 40;
const MAX_DEPTH = 8;

function masked(value: unknown, kept: boolean, depth: number): unknown {
  if (typeof value === 'string') return kept ? value.slice(0, KEPT_TEXT) : `[${value.length} characters]`;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => masked(item, false, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.slice(0, 64),
      masked(item, KEPT_FIELDS.has(key), depth + 1),
    ]),
  );
}

function cutToLimit(text: string): string {
  return text.length <= EXCERPT_LIMIT ? text : `${text.slice(0, EXCERPT_LIMIT)}… (cut)`;
}

/** Where `JSON.parse` gave up, from its message ("… at position 17"); 0 when it does not say. */
function breakPosition(error: unknown): number {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  return position === undefined ? 0 : Number(position);
}

function aroundTheBreak(raw: string, at: number): string {
  const from = Math.max(0, at - CONTEXT);
  const to = at + CONTEXT;
  return `${from > 0 ? '…' : ''}${raw.slice(from, to)}${to < raw.length ? '…' : ''} (not JSON: ${raw.length} characters, breaking at character ${at})`;
}

export function rawBodyExcerpt(raw: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return aroundTheBreak(raw, breakPosition(error));
  }
  return cutToLimit(JSON.stringify(masked(parsed, false, 0)) ?? '');
}
