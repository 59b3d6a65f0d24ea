/**
 * Hostile messages as they can travel on a Service Bus queue (a string or UTF-8 bytes: what any
 * sender can put there), for the property suites that throw them at the handler: the existing
 * hostile bodies, plus ids, sizes and dates at Table Storage's and Exchange's edges.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { AppointmentChange } from '../../shared/domain/changeMessage';
import { breakField, hostileChangeBody, validAppointmentChange, validResourceChange } from './changeMessages';

/** Ids at the edges of a storage key: lone surrogates, multi-byte, 200 characters, `/ \ # ?`. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\ud800',
    'a\udc00b',
    'A-\ud83d',
    '€'.repeat(200),
    '€'.repeat(110), // 990 bytes as a key: within the budget
    '€'.repeat(111), // 999 bytes: over it
    '😀'.repeat(100),
    '/'.repeat(200),
    'x'.repeat(200),
    'x'.repeat(201),
    '/\\#?',
    '%2F..%00',
  ),
  fc.string({
    unit: fc.constantFrom('a', '€', '😀', '/', '\\', '#', '?', '%', '\ud800', '\udfff', ' '),
    minLength: 1,
    maxLength: 200,
  }),
);

/** Date-times around what Table Storage (from 1601) and Exchange (to 4500-08-31) store. */
export const edgeDateTime: fc.Arbitrary<string> = fc.constantFrom(
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00+01:00',
  '1600-12-31T23:59:59Z',
  '1601-01-01T00:00:00Z',
  '1601-01-01T00:30:00+01:00',
  '1969-12-31T23:59:59Z',
  '4500-08-31T23:59:59Z',
  '4500-09-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59-14:00',
);

const ID_PATHS = [['appointmentId'], ['changeId'], ['appointment', 'resources', 0, 'id']] as const;
const DATE_PATHS = [['appointment', 'start'], ['appointment', 'end'], ['changedAt']] as const;

/** One resource with every field near its cap, in `mailboxDomain`. */
function bulkyResource(i: number, mailboxDomain: string) {
  return {
    id: `R-${i}-${'r'.repeat(180)}`,
    name: `Room ${i} ${'n'.repeat(200)}`,
    mailbox: `room${i}@${mailboxDomain}`,
    exchangeEnabled: true,
  };
}

/** An upsert of `resourceCount` bulky resources, or with a body of `bodyChars` characters (up to ~250 KB). */
function sized(change: AppointmentChange, resourceCount: number, bodyChars: number, mailboxDomain: string) {
  if (change.operation !== 'upsert') return change;
  const resources = Array.from({ length: resourceCount }, (_, i) => bulkyResource(i, mailboxDomain));
  return { ...change, appointment: { ...change.appointment, resources, body: 'b'.repeat(bodyChars) } };
}

const upsert = validAppointmentChange.filter((c) => c.operation === 'upsert');

/** Whatever the JSON of a value is, as a sender would put it on the queue; `String()` of what has none. */
export function onTheWire(body: unknown): string | Buffer {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  try {
    const json = JSON.stringify(body);
    if (json !== undefined) return Buffer.from(json, 'utf8');
  } catch {
    // BigInt, cycles, hostile getters: not JSON
  }
  try {
    return String(body);
  } catch {
    return '[object]';
  }
}

/**
 * Hostile queue messages; every valid change gets a changeId of its own (unless the changeId is
 * what is under test), so each message has exactly one row. `mailboxDomain` is where resources live.
 */
export function hostileQueueMessage(mailboxDomain: string): fc.Arbitrary<string | Buffer> {
  const fresh = <T extends { changeId: string }>(change: T): T => ({ ...change, changeId: randomUUID() });
  return fc
    .oneof(
      { weight: 3, arbitrary: hostileChangeBody },
      {
        weight: 3,
        arbitrary: fc
          .tuple(upsert, fc.constantFrom(...ID_PATHS), hostileId)
          .map(([change, path, id]) => breakField(path[0] === 'changeId' ? change : fresh(change), path, id)),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.oneof(upsert, validResourceChange), fc.constantFrom(...DATE_PATHS), edgeDateTime)
          .map(([change, path, date]) => breakField(fresh(change), path, date)),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(upsert, fc.constantFrom(0, 1, 3, 100, 101, 500), fc.constantFrom(0, 10_000, 240_000))
          // 500 bulky resources are ~220 KB already and 100 about 45 KB: a long body only beside a
          // few resources, so every message stays within the queue's 256 KB.
          .map(([change, count, body]) =>
            sized(
              fresh(change),
              count,
              count > 101 ? 0 : count > 3 ? Math.min(body, 10_000) : body,
              mailboxDomain,
            ),
          ),
      },
    )
    .map(onTheWire);
}
