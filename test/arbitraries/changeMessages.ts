/**
 * fast-check arbitraries for change messages, shared by the unit property tests and later
 * end-to-end property tests.
 *
 * - `validAppointmentChange` / `validResourceChange`: canonical parsed changes. Each is also a valid
 *   message body as it stands: `parseChangeMessage(JSON.stringify(x))` gives back `x`.
 * - `validAppointmentWire` / `validResourceWire`: `{ body, expected }` pairs exercising what the back
 *   office may send on the wire: `kind` left out, `version` left out (ordering by `changedAt`),
 *   defaults left out or `null`, unknown fields at every level, and every encoding (object, JSON
 *   string, Buffer, Uint8Array, with or without a BOM).
 * - `hostileChangeBody`: anything a queue might deliver, from arbitrary JS values and random bytes
 *   to valid messages with one field broken (wrong type, 100k-character string, impossible date,
 *   end before start, malformed mailbox, markup, control characters).
 */
import fc from 'fast-check';
import type {
  AppointmentChange,
  AppointmentSnapshot,
  ResourceAssignment,
  ResourceChange,
} from '../../shared/domain/changeMessage';

// ---------------------------------------------------------------------------------------------
// Building blocks

const MINUTE = 60_000;
const DAY = 86_400_000;
/** 2000-01-01 … 2099-12-31. */
const MIN_EPOCH = Date.UTC(2000, 0, 1);
const MAX_EPOCH = Date.UTC(2099, 11, 31);

/** Real UTC offsets, in minutes. */
const offsetMinutes = fc.constantFrom(0, 60, 120, -300, -240, 330, 345, 570, 600, 780, 840, -720, -570, -60);

function formatOffset(minutes: number, zulu: boolean): string {
  if (minutes === 0 && zulu) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** `epochMs` as local wall-clock time in the offset, e.g. `2026-12-01T10:00:00+01:00`. */
export function isoWithOffset(
  epochMs: number,
  offset: number,
  style: 'seconds' | 'millis' | 'minutes' = 'seconds',
  zulu = false,
): string {
  const local = new Date(epochMs + offset * MINUTE).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  const wall =
    style === 'millis' ? local.slice(0, 23) : style === 'minutes' ? local.slice(0, 16) : local.slice(0, 19);
  return `${wall}${formatOffset(offset, zulu)}`;
}

const isoStyle = fc.constantFrom<'seconds' | 'millis' | 'minutes'>('seconds', 'seconds', 'millis', 'minutes');

/** An ISO 8601 date-time with offset or `Z` (changedAt). */
export const isoDateTime: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: MIN_EPOCH, max: MAX_EPOCH }), offsetMinutes, isoStyle, fc.boolean())
  .map(([epoch, offset, style, zulu]) => isoWithOffset(epoch, offset, style, zulu));

/** Characters for free text: ASCII, accents, CJK, emoji, whitespace and markup fragments. */
const textUnit = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'é',
      'ß',
      '日本',
      '😀',
      '\t',
      '\n',
      '\r\n',
      '<script>alert(1)</script>',
      '<b>',
      '&amp;',
      '"',
      "'",
      '\u202e',
      '{{x}}',
    ),
  },
);

function freeText(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: textUnit, maxLength: 40 }).filter((s) => s.length <= maxLength);
}

/** Non-blank identifiers without control characters, at most 200 characters. */
export const identifier: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9._:-]{0,30}$/),
  fc.nat({ max: 1_000_000 }).map((n) => `A-${n}`),
  fc
    .string({
      unit: fc.constantFrom('a', 'Z', '9', '-', ' ', 'é', '日', '<', '>', '/', '#'),
      minLength: 1,
      maxLength: 20,
    })
    .filter((s) => s.trim() !== ''),
);

const localPart = fc.stringMatching(/^[A-Za-z0-9_+-]{1,20}(?:\.[A-Za-z0-9_+-]{1,10}){0,2}$/);
const domain = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('com', 'nl', 'org', 'onmicrosoft.com', 'co.uk', 'xn--p1ai', 'Museum'),
  )
  .map(([labels, tld]) => `${labels.join('.')}.${tld}`);

/** An SMTP address or UPN the parser accepts. */
export const mailbox: fc.Arbitrary<string> = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);

/** Addresses the parser must refuse. */
export const malformedMailbox: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'bob@',
    '@contoso.com',
    'bob',
    'bob@contoso',
    'bob@@contoso.com',
    'bo b@contoso.com',
    ' bob@contoso.com',
    'bob@contoso.com ',
    'bob..smith@contoso.com',
    '.bob@contoso.com',
    'bob.@contoso.com',
    'bob@-contoso.com',
    'bob@contoso..com',
    'bob@contoso.c',
    'bob@contoso.123',
    '<script>@x.com',
    'bob@contoso.com\n',
    '',
    `${'a'.repeat(65)}@contoso.com`,
    `bob@${'a'.repeat(320)}.com`,
  ),
  fc
    .tuple(mailbox, fc.constantFrom(' ', '@', '..', '\u0000', '<', '\n'))
    .map(([m, bad]) => m.replace('@', `${bad}@`)),
);

export const timeZone: fc.Arbitrary<string> = fc.constantFrom(
  'Europe/Amsterdam',
  'UTC',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Etc/GMT+5',
  'W. Europe Standard Time',
  'Pacific Standard Time',
  'E. South America Standard Time',
  'Russia Time Zone 3',
  'UTC+12',
);

export const resourceAssignment: fc.Arbitrary<ResourceAssignment> = fc.record({
  id: identifier,
  name: freeText(255).filter((s) => s.trim() !== ''),
  mailbox,
  exchangeEnabled: fc.boolean(),
});

const resources = fc.uniqueArray(resourceAssignment, { selector: (r) => r.id, maxLength: 6 });

const timedRange = fc
  .tuple(
    fc.integer({ min: MIN_EPOCH, max: MAX_EPOCH }),
    fc.integer({ min: 1, max: 60 * 24 * 30 }),
    offsetMinutes,
    offsetMinutes,
    isoStyle,
  )
  .map(([start, minutes, startOffset, endOffset, style]) => ({
    start: isoWithOffset(start, startOffset, style),
    end: isoWithOffset(start + minutes * MINUTE, endOffset, style),
    isAllDay: false,
  }));

const allDayRange = fc
  .tuple(
    fc.integer({ min: MIN_EPOCH / DAY, max: MAX_EPOCH / DAY }),
    fc.integer({ min: 1, max: 14 }),
    offsetMinutes,
  )
  .map(([day, days, offset]) => {
    const date = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);
    return {
      start: `${date(day)}T00:00:00${formatOffset(offset, false)}`,
      end: `${date(day + days)}T00:00:00${formatOffset(offset, false)}`,
      isAllDay: true,
    };
  });

export const appointmentSnapshot: fc.Arbitrary<AppointmentSnapshot> = fc
  .record({
    subject: freeText(255),
    range: fc.oneof({ weight: 4, arbitrary: timedRange }, { weight: 1, arbitrary: allDayRange }),
    timeZone,
    location: freeText(255),
    body: fc.oneof(freeText(1000), fc.constant('')),
    resources,
  })
  .map(({ range, ...rest }) => ({
    subject: rest.subject,
    start: range.start,
    end: range.end,
    timeZone: rest.timeZone,
    location: rest.location,
    body: rest.body,
    isAllDay: range.isAllDay,
    resources: rest.resources,
  }));

export interface AppointmentChangeOptions {
  readonly appointmentId?: fc.Arbitrary<string>;
  readonly resource?: fc.Arbitrary<ResourceAssignment>;
  readonly operation?: fc.Arbitrary<'upsert' | 'delete'>;
}

/** Canonical appointment changes; options narrow ids, resources or operation (e.g. for collisions in e2e tests). */
export function appointmentChange(options: AppointmentChangeOptions = {}): fc.Arbitrary<AppointmentChange> {
  const snapshot = options.resource
    ? appointmentSnapshot.chain((s) =>
        fc
          .uniqueArray(options.resource as fc.Arbitrary<ResourceAssignment>, {
            selector: (r) => r.id,
            maxLength: 6,
          })
          .map((rs) => ({ ...s, resources: rs })),
      )
    : appointmentSnapshot;
  const ordering = fc.oneof(
    fc.record({ version: fc.nat() }),
    fc.record({ version: fc.nat(), changedAt: isoDateTime }),
    isoDateTime.map((changedAt) => ({ version: Date.parse(changedAt), changedAt })),
  );
  return fc
    .record({
      changeId: fc.oneof(fc.uuid(), identifier),
      appointmentId: options.appointmentId ?? identifier,
      ordering,
      operation: options.operation ?? fc.constantFrom<'upsert' | 'delete'>('upsert', 'upsert', 'delete'),
      appointment: snapshot,
    })
    .map(({ changeId, appointmentId, ordering: o, operation, appointment }): AppointmentChange => {
      const base = { kind: 'appointment' as const, changeId, appointmentId, ...o };
      return operation === 'upsert' ? { ...base, operation, appointment } : { ...base, operation };
    });
}

export const validAppointmentChange: fc.Arbitrary<AppointmentChange> = appointmentChange();

export const validResourceChange: fc.Arbitrary<ResourceChange> = fc
  .record({ changeId: fc.oneof(fc.uuid(), identifier), resource: resourceAssignment, changedAt: isoDateTime })
  .map(({ changeId, resource, changedAt }) => ({ kind: 'resource' as const, changeId, resource, changedAt }));

// ---------------------------------------------------------------------------------------------
// Wire forms

export type WireEncoding = 'object' | 'string' | 'buffer' | 'uint8array' | 'bom-string' | 'bom-buffer';
export const wireEncoding: fc.Arbitrary<WireEncoding> = fc.constantFrom(
  'object',
  'string',
  'buffer',
  'uint8array',
  'bom-string',
  'bom-buffer',
);

/** The body as a Service Bus trigger may hand it over. */
export function encodeBody(message: unknown, encoding: WireEncoding): unknown {
  const json = JSON.stringify(message);
  switch (encoding) {
    case 'object':
      return message;
    case 'string':
      return json;
    case 'buffer':
      return Buffer.from(json, 'utf8');
    case 'uint8array':
      return new Uint8Array(Buffer.from(json, 'utf8'));
    case 'bom-string':
      return `\uFEFF${json}`;
    case 'bom-buffer':
      return Buffer.from(`\uFEFF${json}`, 'utf8');
  }
}

/** Keys no contract field uses; `__proto__`, `constructor` and markup included on purpose. */
const extraKey = fc.constantFrom(
  'source',
  'correlationId',
  'meta',
  'x-tenant',
  '__proto__',
  'constructor',
  '<b>',
);
const extraFields = fc.dictionary(extraKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

type Mutable = Record<string, unknown>;

/** Adds own enumerable properties (even `__proto__`) without touching the prototype. */
function withExtras(target: object, extras: Readonly<Record<string, unknown>>): Mutable {
  const copy: Mutable = { ...target };
  for (const [key, value] of Object.entries(extras)) {
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

export interface WireSample<T> {
  /** What arrives on the queue. */
  readonly body: unknown;
  /** What `parseChangeMessage` must return for it. */
  readonly expected: T;
}

export const validAppointmentWire: fc.Arbitrary<WireSample<AppointmentChange>> = fc
  .record({
    change: validAppointmentChange,
    omitKind: fc.boolean(),
    omitVersion: fc.boolean(),
    omitDefaults: fc.constantFrom<'keep' | 'omit' | 'null'>('keep', 'omit', 'null'),
    deleteCarriesJunk: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 1 })),
    extras: fc.array(extraFields, { minLength: 3, maxLength: 3 }),
    encoding: wireEncoding,
  })
  .map(({ change, omitKind, omitVersion, omitDefaults, deleteCarriesJunk, extras, encoding }) => {
    const { kind, version, ...rest } = change;
    const top: Mutable = { ...rest };
    if (!omitKind) top.kind = kind;
    // Without a version the parser orders by changedAt; expected then carries Date.parse(changedAt).
    const dropVersion = omitVersion && change.changedAt !== undefined;
    if (!dropVersion) top.version = version;
    const expected: AppointmentChange = dropVersion
      ? { ...change, version: Date.parse(change.changedAt as string) }
      : change;
    if (change.operation === 'upsert') {
      const a = change.appointment;
      const snapshot: Mutable = { subject: a.subject, start: a.start, end: a.end, timeZone: a.timeZone };
      const optional: Mutable = { location: a.location, body: a.body, isAllDay: a.isAllDay };
      const defaults: Mutable = { location: '', body: '', isAllDay: false };
      for (const [key, value] of Object.entries(optional)) {
        const isDefault = value === defaults[key];
        if (isDefault && omitDefaults === 'omit') continue;
        snapshot[key] = isDefault && omitDefaults === 'null' ? null : value;
      }
      snapshot.resources = a.resources.map((r, i) => {
        const wire: Mutable = { id: r.id, mailbox: r.mailbox, exchangeEnabled: r.exchangeEnabled };
        if (!(omitDefaults === 'omit' && i === 0)) wire.name = r.name;
        return withExtras(wire, extras[2] ?? {});
      });
      top.appointment = withExtras(snapshot, extras[1] ?? {});
      // Resource 0 without a name gets its id as name.
      const first = a.resources[0];
      if (omitDefaults === 'omit' && first) {
        const appointment = { ...a, resources: [{ ...first, name: first.id }, ...a.resources.slice(1)] };
        return {
          body: encodeBody(withExtras(top, extras[0] ?? {}), encoding),
          expected: { ...expected, appointment },
        };
      }
    } else if (deleteCarriesJunk !== undefined) {
      top.appointment = deleteCarriesJunk;
    }
    return { body: encodeBody(withExtras(top, extras[0] ?? {}), encoding), expected };
  });

export const validResourceWire: fc.Arbitrary<WireSample<ResourceChange>> = fc
  .record({
    change: validResourceChange,
    omitKind: fc.boolean(),
    omitChangeId: fc.boolean(),
    omitName: fc.boolean(),
    extras: fc.array(extraFields, { minLength: 2, maxLength: 2 }),
    encoding: wireEncoding,
  })
  .map(({ change, omitKind, omitChangeId, omitName, extras, encoding }) => {
    const r = change.resource;
    const resource: Mutable = { id: r.id, mailbox: r.mailbox, exchangeEnabled: r.exchangeEnabled };
    if (!omitName) resource.name = r.name;
    const top: Mutable = { resource: withExtras(resource, extras[1] ?? {}), changedAt: change.changedAt };
    if (!omitKind) top.kind = 'resource';
    if (!omitChangeId) top.changeId = change.changeId;
    const expected: ResourceChange = {
      kind: 'resource',
      changeId: omitChangeId ? `resource:${r.id}:${change.changedAt}` : change.changeId,
      resource: omitName ? { ...r, name: r.id } : r,
      changedAt: change.changedAt,
    };
    return { body: encodeBody(withExtras(top, extras[0] ?? {}), encoding), expected };
  });

// ---------------------------------------------------------------------------------------------
// Hostile inputs

/** Marks a field to delete in {@link breakField}. */
export const REMOVE: unique symbol = Symbol('remove');

/** Strings of about 100,000 characters, of markup, control characters, emoji or plain text. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('a', '<script>alert(1)</script>', '\u0000', '😀', '\n', 'é', ' ', '\u202e', '@'),
    fc.integer({ min: 95_000, max: 105_000 }),
  )
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)));

const invalidDateTime = fc.constantFrom(
  '2026-02-30T10:00:00+01:00',
  '2026-13-01T10:00:00Z',
  '2026-12-01T24:00:00Z',
  '2026-12-01T10:60:00Z',
  '2026-12-01T10:00:60Z',
  '2026-12-01T10:00:00',
  '2026-12-01',
  '2026-12-01 10:00:00+01:00',
  '2026-12-01T10:00:00+15:00',
  '2026-12-01T10:00:00+0100',
  'tomorrow',
  '1e10',
  '',
  '+002026-12-01T10:00:00Z',
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(REMOVE),
  fc.jsonValue({ maxDepth: 2 }),
  hugeString,
  invalidDateTime,
  malformedMailbox,
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    1.5,
    2 ** 53,
    -0,
    1e308,
    '',
    ' ',
    '\u0000',
    '\u001b[31mred',
    '\u202eevil',
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    'Mars/Olympus_Mons',
    'Europe/Amsterdam',
    'W. Europe Standard Time',
    'upsert',
    'delete',
    'resource',
    true,
    false,
    null,
    [],
    {},
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
);

const APPOINTMENT_PATHS: readonly (readonly (string | number)[])[] = [
  ['kind'],
  ['changeId'],
  ['appointmentId'],
  ['version'],
  ['changedAt'],
  ['operation'],
  ['appointment'],
  ['appointment', 'subject'],
  ['appointment', 'start'],
  ['appointment', 'end'],
  ['appointment', 'timeZone'],
  ['appointment', 'location'],
  ['appointment', 'body'],
  ['appointment', 'isAllDay'],
  ['appointment', 'resources'],
  ['appointment', 'resources', 0],
  ['appointment', 'resources', 0, 'id'],
  ['appointment', 'resources', 0, 'name'],
  ['appointment', 'resources', 0, 'mailbox'],
  ['appointment', 'resources', 0, 'exchangeEnabled'],
  ['appointment', 'resources', 1, 'mailbox'],
];

const RESOURCE_PATHS: readonly (readonly (string | number)[])[] = [
  ['kind'],
  ['changeId'],
  ['changedAt'],
  ['resource'],
  ['resource', 'id'],
  ['resource', 'name'],
  ['resource', 'mailbox'],
  ['resource', 'exchangeEnabled'],
];

/** A deep copy of `message` with the value at `path` replaced (or removed with {@link REMOVE}). */
export function breakField(message: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy: unknown = structuredClone(message);
  let node: unknown = copy;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    if (typeof node !== 'object' || node === null) return copy;
    node = (node as Mutable)[key];
  }
  const last = path[path.length - 1];
  if (typeof node !== 'object' || node === null || last === undefined) return copy;
  if (value === REMOVE) delete (node as Mutable)[last];
  else (node as Mutable)[last] = value;
  return copy;
}

/** A valid message with one field replaced by a hostile value, in any encoding. */
export const brokenMessage: fc.Arbitrary<unknown> = fc
  .oneof(
    fc.tuple(validAppointmentChange, fc.constantFrom(...APPOINTMENT_PATHS)),
    fc.tuple(validResourceChange, fc.constantFrom(...RESOURCE_PATHS)),
  )
  .chain(([change, path]) =>
    fc.tuple(hostileValue, wireEncoding).map(([value, encoding]) => {
      const broken = breakField(change, path, value);
      // `undefined`, functions and symbols do not survive JSON; BigInt cannot be serialized at all.
      if (encoding === 'object') return broken;
      try {
        return encodeBody(broken, encoding);
      } catch {
        return broken;
      }
    }),
  );

/** An upsert whose end is at or before its start. */
export const endNotAfterStart: fc.Arbitrary<unknown> = fc
  .tuple(appointmentChange({ operation: fc.constant('upsert') }), fc.boolean())
  .map(([change, equal]) => {
    if (change.operation !== 'upsert') return change;
    const a = change.appointment;
    return { ...change, appointment: { ...a, end: a.start, start: equal ? a.start : a.end } };
  });

function throwing(): never {
  throw new Error('hostile getter');
}

const CONTRACT_KEYS = new Set([
  'kind',
  'changeId',
  'appointmentId',
  'version',
  'changedAt',
  'operation',
  'resource',
]);

/** Throws when a contract field is looked at; anything else (fast-check's own probes) behaves like `{}`. */
function trapProxy(): object {
  const trap =
    <R>(fallback: (target: object, key: string | symbol) => R) =>
    (target: object, key: string | symbol): R => {
      if (typeof key === 'string' && CONTRACT_KEYS.has(key)) throw new Error(`hostile trap on ${key}`);
      return fallback(target, key);
    };
  return new Proxy(
    {},
    {
      get: trap((t, k) => Reflect.get(t, k)),
      has: trap((t, k) => Reflect.has(t, k)),
      getOwnPropertyDescriptor: trap((t, k) => Reflect.getOwnPropertyDescriptor(t, k)),
    },
  );
}

/**
 * Objects that throw when looked at. (A revoked proxy cannot be generated: fast-check itself
 * probes every value; the unit tests cover it.)
 */
const trapObjects: fc.Arbitrary<unknown> = fc
  .constantFrom<() => unknown>(
    trapProxy,
    () => Object.defineProperty({ appointmentId: 'A-1' }, 'changeId', { get: throwing, enumerable: true }),
    () => Object.defineProperty({ kind: 'resource' }, 'resource', { get: throwing, enumerable: true }),
    () =>
      Object.create({
        kind: 'appointment',
        changeId: 'c',
        appointmentId: 'A',
        version: 1,
        operation: 'delete',
      }),
  )
  .map((make) => make());

const invalidUtf8 = fc
  .tuple(
    fc.string({ maxLength: 20 }),
    fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]),
  )
  .map(([prefix, bytes]) =>
    Buffer.concat([Buffer.from(`{"changeId":"${prefix}`), Buffer.from(bytes), Buffer.from('"}')]),
  );

const truncatedJson = validAppointmentChange.chain((change) => {
  const json = JSON.stringify(change);
  return fc.nat({ max: json.length - 1 }).map((n) => json.slice(0, n));
});

/** Anything a queue might deliver, valid or not. */
export const hostileChangeBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: brokenMessage },
  { weight: 1, arbitrary: endNotAfterStart },
  { weight: 1, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
      withBoxedValues: true,
    }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: invalidUtf8 },
  { weight: 1, arbitrary: truncatedJson },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: trapObjects },
);
