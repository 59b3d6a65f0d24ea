import { describe, expect, it } from 'vitest';
import { type ChangeMessage, type ParsedChange, parseChangeMessage } from '../../shared/domain/changeMessage';
import { CHANGE_MESSAGE_LIMITS } from '../../shared/domain/storageLimits';

const room = { id: 'R-7', name: 'Room 4', mailbox: 'room4@contoso.com', exchangeEnabled: true };

function upsertBody(appointment: Record<string, unknown> = {}, top: Record<string, unknown> = {}) {
  return {
    kind: 'appointment',
    changeId: 'chg-1',
    appointmentId: 'A-1001',
    version: 42,
    operation: 'upsert',
    changedAt: '2026-11-24T09:00:00Z',
    appointment: {
      subject: 'Annual review',
      start: '2026-12-01T10:00:00+01:00',
      end: '2026-12-01T11:00:00+01:00',
      timeZone: 'Europe/Amsterdam',
      location: 'Room 4',
      body: 'Bring the report',
      isAllDay: false,
      resources: [room],
      ...appointment,
    },
    ...top,
  };
}

const resourceBody = (resource: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  kind: 'resource',
  changeId: 'res-1',
  resource: { ...room, ...resource },
  changedAt: '2026-11-24T09:05:00Z',
  ...top,
});

function ok(body: unknown): ChangeMessage {
  const parsed = parseChangeMessage(body);
  if (!parsed.ok) throw new Error(`expected ok, got ${parsed.field}: ${parsed.reason}`);
  return parsed.change;
}

function rejected(body: unknown): { field: string; reason: string } {
  const parsed: ParsedChange = parseChangeMessage(body);
  if (parsed.ok) throw new Error('expected a rejection');
  return { field: parsed.field, reason: parsed.reason };
}

describe('parseChangeMessage: accepted messages', () => {
  it('parses the upsert of DESIGN.md', () => {
    expect(ok(upsertBody())).toEqual({
      kind: 'appointment',
      changeId: 'chg-1',
      appointmentId: 'A-1001',
      version: 42,
      changedAt: '2026-11-24T09:00:00Z',
      operation: 'upsert',
      appointment: {
        subject: 'Annual review',
        start: '2026-12-01T10:00:00+01:00',
        end: '2026-12-01T11:00:00+01:00',
        timeZone: 'Europe/Amsterdam',
        location: 'Room 4',
        body: 'Bring the report',
        isAllDay: false,
        resources: [room],
      },
    });
  });

  it('accepts a minimal upsert and fills the defaults', () => {
    const change = ok({
      changeId: 'c',
      appointmentId: 'A',
      version: 0,
      operation: 'upsert',
      appointment: {
        subject: '',
        start: '2026-12-01T10:00Z',
        end: '2026-12-01T10:00:01Z',
        timeZone: 'W. Europe Standard Time',
        resources: [],
      },
    });
    expect(change).toEqual({
      kind: 'appointment',
      changeId: 'c',
      appointmentId: 'A',
      version: 0,
      operation: 'upsert',
      appointment: {
        subject: '',
        start: '2026-12-01T10:00Z',
        end: '2026-12-01T10:00:01Z',
        timeZone: 'W. Europe Standard Time',
        location: '',
        body: '',
        isAllDay: false,
        resources: [],
      },
    });
    expect(change).not.toHaveProperty('changedAt');
  });

  it('treats null as absent for optional fields', () => {
    const change = ok(upsertBody({ location: null, body: null, isAllDay: null }, { changedAt: null }));
    expect(change).toMatchObject({ appointment: { location: '', body: '', isAllDay: false } });
    expect(change).not.toHaveProperty('changedAt');
  });

  it('accepts a delete and ignores an appointment it carries, valid or not', () => {
    const body = { changeId: 'c', appointmentId: 'A', version: 3, operation: 'delete', appointment: 'junk' };
    expect(ok(body)).toEqual({
      kind: 'appointment',
      changeId: 'c',
      appointmentId: 'A',
      version: 3,
      operation: 'delete',
    });
  });

  it('orders by Date.parse(changedAt) when version is absent', () => {
    const change = ok({
      changeId: 'c',
      appointmentId: 'A',
      changedAt: '2026-11-24T10:00:00+01:00',
      operation: 'delete',
    });
    expect(change).toMatchObject({
      version: Date.parse('2026-11-24T09:00:00Z'),
      changedAt: '2026-11-24T10:00:00+01:00',
    });
  });

  it('keeps version when both version and changedAt are given', () => {
    expect(ok(upsertBody())).toMatchObject({ version: 42, changedAt: '2026-11-24T09:00:00Z' });
  });

  it('parses a resource change', () => {
    expect(ok(resourceBody())).toEqual({
      kind: 'resource',
      changeId: 'res-1',
      resource: room,
      changedAt: '2026-11-24T09:05:00Z',
    });
  });

  it("reads a resource's own privacy rules, naming a wrong part", () => {
    const privacy = { showAs: ['busy'], details: 'subjectAndLocation' };
    expect(ok(resourceBody({ privacy }))).toMatchObject({
      resource: room,
      privacy: { showAs: ['busy'], details: 'subjectAndLocation' },
    });
    expect(ok(resourceBody({ privacy: null }))).not.toHaveProperty('privacy');
    expect(parseChangeMessage(resourceBody({ privacy: { showAs: ['away'] } }))).toEqual({
      ok: false,
      field: 'resource.privacy',
      reason: 'resource.privacy: showAs "away" is not one of free, tentative, busy, oof, workingElsewhere',
    });
  });

  it('derives a deterministic changeId for a resource change without one', () => {
    const body = { resource: room, changedAt: '2026-11-24T09:05:00Z' };
    expect(ok(body)).toMatchObject({ changeId: 'resource:R-7:2026-11-24T09:05:00Z' });
    expect(ok(JSON.stringify(body))).toEqual(ok(body));
  });

  it('defaults a missing, null or blank resource name to the id', () => {
    for (const name of [undefined, null, '', '  ']) {
      expect(ok(resourceBody({ name }))).toMatchObject({ resource: { name: 'R-7' } });
    }
  });

  it('infers the kind: resource object → resource change, appointmentId → appointment change', () => {
    const { kind: _a, ...appointment } = upsertBody();
    const { kind: _r, ...resource } = resourceBody();
    expect(ok(appointment).kind).toBe('appointment');
    expect(ok(resource).kind).toBe('resource');
  });

  it('ignores extra fields and does not copy them', () => {
    const body = upsertBody(
      { color: 'red', resources: [{ ...room, floor: 3 }] },
      { tenant: 't', priority: 1 },
    );
    const change = ok(body);
    expect(change).not.toHaveProperty('tenant');
    expect(change).toMatchObject({ appointment: { resources: [room] } });
    expect(JSON.stringify(change)).not.toContain('floor');
    expect(JSON.stringify(change)).not.toContain('color');
  });

  it('reads only own properties (no prototype pollution, no inherited fields)', () => {
    const body = JSON.parse(
      '{"__proto__":{"kind":"resource"},"changeId":"c","appointmentId":"A","version":1,"operation":"delete"}',
    ) as unknown;
    expect(ok(body).kind).toBe('appointment');
    const inherited = Object.create({ changeId: 'c', appointmentId: 'A', version: 1, operation: 'delete' });
    expect(rejected(inherited).field).toBe('kind');
  });

  it('accepts a JSON string, a Buffer, a Uint8Array, an ArrayBuffer and a leading BOM', () => {
    const json = JSON.stringify(upsertBody());
    const expected = ok(upsertBody());
    const bytes = Buffer.from(json, 'utf8');
    expect(ok(json)).toEqual(expected);
    expect(ok(`\uFEFF${json}`)).toEqual(expected);
    expect(ok(bytes)).toEqual(expected);
    expect(ok(new Uint8Array(bytes))).toEqual(expected);
    expect(ok(new Uint8Array(bytes).buffer)).toEqual(expected);
    expect(ok(Buffer.from(`\uFEFF${json}`, 'utf8'))).toEqual(expected);
  });

  it('accepts all-day appointments at midnight in their offsets', () => {
    const change = ok(
      upsertBody({
        isAllDay: true,
        start: '2026-12-01T00:00:00+01:00',
        end: '2026-12-02T00:00:00.000+01:00',
      }),
    );
    expect(change).toMatchObject({ appointment: { isAllDay: true } });
  });

  it('accepts IANA and Windows time zone names', () => {
    for (const timeZone of [
      'UTC',
      'America/New_York',
      'Etc/GMT+5',
      'Pacific Standard Time',
      'Russia Time Zone 3',
      'UTC+12',
    ]) {
      expect(ok(upsertBody({ timeZone })).kind).toBe('appointment');
    }
  });

  it('accepts mailboxes with plus, dots, subdomains and punycode', () => {
    for (const mailbox of [
      'a.b+c@sub.contoso.co.uk',
      "o'neil@contoso.com",
      'x@xn--80ak6aa92e.xn--p1ai',
      'r@contoso.onmicrosoft.com',
    ]) {
      expect(ok(resourceBody({ mailbox })).kind).toBe('resource');
    }
  });

  it('accepts 100 resources and markup in text as data', () => {
    const resources = Array.from({ length: 100 }, (_, i) => ({ ...room, id: `R-${i}` }));
    const subject = '<script>alert("x")</script> & <b>bold</b>';
    const change = ok(upsertBody({ resources, subject, body: 'line 1\r\nline 2\t<i>' }));
    expect(change).toMatchObject({ appointment: { subject, body: 'line 1\r\nline 2\t<i>' } });
  });

  it('accepts a duration of exactly the cap and text of exactly the caps', () => {
    const end = new Date(
      Date.parse('2026-12-01T09:00:00Z') + CHANGE_MESSAGE_LIMITS.durationDays * 86_400_000,
    ).toISOString();
    expect(ok(upsertBody({ end })).kind).toBe('appointment');
    expect(ok(upsertBody({ subject: 's'.repeat(255), body: 'b'.repeat(250_000) })).kind).toBe('appointment');
    expect(ok(upsertBody({}, { changeId: 'c'.repeat(200) })).kind).toBe('appointment');
  });
});

describe('parseChangeMessage: rejections name the field and say why', () => {
  const cases: ReadonlyArray<readonly [string, unknown, string, string]> = [
    // whole body
    ['undefined body', undefined, '', 'body is empty'],
    ['blank string', '  \n', '', 'body is empty'],
    ['bad JSON', '{"kind":', '', 'body is not valid JSON'],
    ['bad UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), '', 'body is not valid UTF-8'],
    ['an array', '[1,2]', '', 'body must be a JSON object, got an array'],
    ['a number', 42, '', 'body must be a JSON object, got a number (42)'],
    ['a JSON string', '"hello"', '', 'body must be a JSON object, got a string ("hello")'],
    // kind
    [
      'unknown kind',
      upsertBody({}, { kind: 'meeting' }),
      'kind',
      'kind must be "appointment" or "resource", got a string ("meeting")',
    ],
    [
      'no kind, nothing to infer',
      { changeId: 'c' },
      'kind',
      'kind is missing and cannot be inferred: the body has neither resource nor appointmentId',
    ],
    [
      'no kind, ambiguous',
      { appointmentId: 'A', resource: room },
      'kind',
      'kind is missing and the body has both resource and appointmentId, so it is ambiguous',
    ],
    // identifiers
    ['missing changeId', upsertBody({}, { changeId: undefined }), 'changeId', 'changeId is required'],
    [
      'numeric changeId',
      upsertBody({}, { changeId: 7 }),
      'changeId',
      'changeId must be a string, got a number (7)',
    ],
    [
      'blank appointmentId',
      upsertBody({}, { appointmentId: ' ' }),
      'appointmentId',
      'appointmentId must not be empty',
    ],
    [
      'control char in id',
      upsertBody({}, { appointmentId: 'A\u00071' }),
      'appointmentId',
      'appointmentId contains the control character U+0007 at position 1',
    ],
    // ordering
    [
      'negative version',
      upsertBody({}, { version: -1 }),
      'version',
      'version must be a non-negative integer, got a number (-1)',
    ],
    [
      'fractional version',
      upsertBody({}, { version: 1.5 }),
      'version',
      'version must be a non-negative integer, got a number (1.5)',
    ],
    [
      'string version',
      upsertBody({}, { version: '42' }),
      'version',
      'version must be a non-negative integer, got a string ("42")',
    ],
    [
      'unsafe version',
      upsertBody({}, { version: 2 ** 53 }),
      'version',
      'version must be a non-negative integer, got a number (9007199254740992)',
    ],
    [
      'no version, no changedAt',
      upsertBody({}, { version: undefined, changedAt: undefined }),
      'version',
      'version is required when changedAt is absent (one of them orders the changes)',
    ],
    [
      'changedAt without offset',
      upsertBody({}, { changedAt: '2026-11-24T09:00:00' }),
      'changedAt',
      'changedAt "2026-11-24T09:00:00" is not an ISO 8601 date-time with offset (e.g. 2026-12-01T10:00:00+01:00)',
    ],
    [
      'changedAt before 1970 as version',
      { changeId: 'c', appointmentId: 'A', changedAt: '1969-12-31T23:59:59Z', operation: 'delete' },
      'changedAt',
      'changedAt must not be before 1970-01-01T00:00:00Z when there is no version',
    ],
    // operation
    [
      'missing operation',
      upsertBody({}, { operation: undefined }),
      'operation',
      'operation is required ("upsert" or "delete")',
    ],
    [
      'unknown operation',
      upsertBody({}, { operation: 'UPSERT' }),
      'operation',
      'operation must be "upsert" or "delete", got a string ("UPSERT")',
    ],
    [
      'upsert without appointment',
      upsertBody({}, { appointment: undefined }),
      'appointment',
      'appointment is required',
    ],
    [
      'appointment not an object',
      upsertBody({}, { appointment: [] }),
      'appointment',
      'appointment must be an object, got an array',
    ],
    // snapshot
    [
      'missing subject',
      upsertBody({ subject: undefined }),
      'appointment.subject',
      'appointment.subject is required',
    ],
    [
      'long subject',
      upsertBody({ subject: 's'.repeat(256) }),
      'appointment.subject',
      'appointment.subject is longer than 255 characters (256)',
    ],
    [
      'NUL in subject',
      upsertBody({ subject: 'a\u0000b' }),
      'appointment.subject',
      'appointment.subject contains the control character U+0000 at position 1',
    ],
    [
      'long body',
      upsertBody({ body: 'b'.repeat(250_001) }),
      'appointment.body',
      'appointment.body is longer than 250000 characters (250001)',
    ],
    [
      'body that stores over the snapshot budget (every quote escaped)',
      upsertBody({ body: '"'.repeat(200_000) }),
      'appointment',
      'appointment is 400270 characters once stored; at most 300000 (shorten appointment.body)',
    ],
    [
      'long location',
      upsertBody({ location: 'l'.repeat(256) }),
      'appointment.location',
      'appointment.location is longer than 255 characters (256)',
    ],
    [
      'start without offset',
      upsertBody({ start: '2026-12-01T10:00:00' }),
      'appointment.start',
      'appointment.start "2026-12-01T10:00:00" is not an ISO 8601 date-time with offset (e.g. 2026-12-01T10:00:00+01:00)',
    ],
    [
      'start is a date only',
      upsertBody({ start: '2026-12-01' }),
      'appointment.start',
      'appointment.start "2026-12-01" is not an ISO 8601 date-time with offset (e.g. 2026-12-01T10:00:00+01:00)',
    ],
    [
      '30 February',
      upsertBody({ end: '2026-02-30T10:00:00+01:00' }),
      'appointment.end',
      'appointment.end "2026-02-30T10:00:00+01:00" is not a real date and time',
    ],
    [
      '24:00',
      upsertBody({ end: '2026-12-01T24:00:00+01:00' }),
      'appointment.end',
      'appointment.end "2026-12-01T24:00:00+01:00" is not a real date and time',
    ],
    [
      'offset beyond 14h',
      upsertBody({ start: '2026-12-01T10:00:00+15:00' }),
      'appointment.start',
      'appointment.start "2026-12-01T10:00:00+15:00" has an offset beyond ±14:00',
    ],
    [
      'numeric start',
      upsertBody({ start: 1764579600000 }),
      'appointment.start',
      'appointment.start must be a string, got a number (1764579600000)',
    ],
    [
      'end before start',
      upsertBody({ end: '2026-12-01T09:59:59+01:00' }),
      'appointment.end',
      'appointment.end is before appointment.start',
    ],
    [
      'end equal to start (other offset)',
      upsertBody({ end: '2026-12-01T09:00:00Z' }),
      'appointment.end',
      'appointment.end is equal to appointment.start; an appointment must end after it starts',
    ],
    [
      'too long',
      upsertBody({ end: '2031-12-02T10:00:00+01:00' }),
      'appointment.end',
      'appointment.end is more than 1826 days (5 years) after appointment.start',
    ],
    [
      'all-day start not at midnight',
      upsertBody({ isAllDay: true, end: '2026-12-02T00:00:00+01:00' }),
      'appointment.start',
      'appointment.start must be at midnight (T00:00:00) when isAllDay is true',
    ],
    [
      'all-day end not at midnight',
      upsertBody({ isAllDay: true, start: '2026-12-01T00:00:00+01:00' }),
      'appointment.end',
      'appointment.end must be at midnight (T00:00:00) when isAllDay is true',
    ],
    [
      'isAllDay not boolean',
      upsertBody({ isAllDay: 'yes' }),
      'appointment.isAllDay',
      'appointment.isAllDay must be true or false, got a string ("yes")',
    ],
    [
      'unknown time zone',
      upsertBody({ timeZone: 'Mars/Olympus_Mons' }),
      'appointment.timeZone',
      'appointment.timeZone "Mars/Olympus_Mons" is not an IANA or Windows time zone name (e.g. Europe/Amsterdam or W. Europe Standard Time)',
    ],
    [
      'offset as time zone',
      upsertBody({ timeZone: '+01:00' }),
      'appointment.timeZone',
      'appointment.timeZone "+01:00" is not an IANA or Windows time zone name (e.g. Europe/Amsterdam or W. Europe Standard Time)',
    ],
    // resources
    [
      'missing resources',
      upsertBody({ resources: undefined }),
      'appointment.resources',
      'appointment.resources is required (an empty array when no resource is assigned)',
    ],
    [
      'resources not an array',
      upsertBody({ resources: room }),
      'appointment.resources',
      'appointment.resources must be an array, got an object',
    ],
    [
      '101 resources',
      upsertBody({ resources: Array.from({ length: 101 }, (_, i) => ({ ...room, id: `R-${i}` })) }),
      'appointment.resources',
      'appointment.resources has 101 entries; at most 100 are allowed',
    ],
    [
      'resource not an object',
      upsertBody({ resources: [room, 'R-8'] }),
      'appointment.resources[1]',
      'appointment.resources[1] must be an object, got a string ("R-8")',
    ],
    [
      'resource without id',
      upsertBody({ resources: [{ ...room, id: undefined }] }),
      'appointment.resources[0].id',
      'appointment.resources[0].id is required',
    ],
    [
      'duplicate resource id',
      upsertBody({ resources: [room, room, { ...room, id: 'R-9', mailbox: 'bob@' }] }),
      'appointment.resources[1].id',
      'appointment.resources[1].id "R-7" is a duplicate of appointment.resources[0].id',
    ],
    [
      'bad mailbox at index 2',
      upsertBody({ resources: [room, { ...room, id: 'R-8' }, { ...room, id: 'R-9', mailbox: 'bob@' }] }),
      'appointment.resources[2].mailbox',
      'appointment.resources[2].mailbox "bob@" is not an email address or UPN',
    ],
    [
      'mailbox with a space',
      upsertBody({ resources: [{ ...room, mailbox: 'room 4@contoso.com' }] }),
      'appointment.resources[0].mailbox',
      'appointment.resources[0].mailbox "room 4@contoso.com" is not an email address or UPN',
    ],
    [
      'mailbox over 320',
      upsertBody({ resources: [{ ...room, mailbox: `${'a'.repeat(64)}@${'b'.repeat(260)}.com` }] }),
      'appointment.resources[0].mailbox',
      'appointment.resources[0].mailbox is longer than 320 characters (329)',
    ],
    [
      'exchangeEnabled missing',
      upsertBody({ resources: [{ ...room, exchangeEnabled: undefined }] }),
      'appointment.resources[0].exchangeEnabled',
      'appointment.resources[0].exchangeEnabled is required',
    ],
    [
      'exchangeEnabled as string',
      upsertBody({ resources: [{ ...room, exchangeEnabled: 'true' }] }),
      'appointment.resources[0].exchangeEnabled',
      'appointment.resources[0].exchangeEnabled must be true or false, got a string ("true")',
    ],
    [
      'long name',
      upsertBody({ resources: [{ ...room, name: 'n'.repeat(256) }] }),
      'appointment.resources[0].name',
      'appointment.resources[0].name is longer than 255 characters (256)',
    ],
    // resource change
    [
      'resource change without changedAt',
      resourceBody({}, { changedAt: undefined }),
      'changedAt',
      'changedAt is required',
    ],
    [
      'resource change: resource not an object',
      resourceBody({}, { resource: 'R-7' }),
      'resource',
      'resource must be an object, got a string ("R-7")',
    ],
    [
      'resource with bad mailbox',
      resourceBody({ mailbox: 'bob@contoso' }),
      'resource.mailbox',
      'resource.mailbox "bob@contoso" is not an email address or UPN',
    ],
    [
      'resource change with empty changeId',
      resourceBody({}, { changeId: '' }),
      'changeId',
      'changeId must not be empty',
    ],
  ];

  it.each(cases)('%s', (_name, body, field, reason) => {
    expect(rejected(body)).toEqual({ field, reason });
  });

  it('never throws on objects that throw when read', () => {
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        getOwnPropertyDescriptor() {
          throw new Error('boom');
        },
      },
    );
    expect(rejected(trap)).toEqual({ field: '', reason: 'body could not be read as a change message' });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(rejected(proxy).field).toBe('');
  });
});

describe('parseChangeMessage: reasons stay short and readable', () => {
  it('quotes at most 80 characters of a huge value and says how long it was', () => {
    const mailbox = `${'<script>'.repeat(20)}@x.com`;
    const { reason } = rejected(resourceBody({ mailbox }));
    expect(reason).toBe(
      `resource.mailbox "${'<script>'.repeat(10)}…" (166 characters) is not an email address or UPN`,
    );
  });

  it('escapes control, bidi and line-separator characters in quoted values', () => {
    const { reason } = rejected(upsertBody({ timeZone: 'Europe/\u0000\n\u202e\u2028\u009b' }));
    expect(reason).toBe(
      'appointment.timeZone "Europe/\\u0000\\n\\u202e\\u2028\\u009b" is not an IANA or Windows time zone name (e.g. Europe/Amsterdam or W. Europe Standard Time)',
    );
  });

  it('does not quote 100k-character ids at all beyond the cap', () => {
    const { field, reason } = rejected(upsertBody({}, { changeId: 'x'.repeat(100_000) }));
    expect(field).toBe('changeId');
    expect(reason.length).toBeLessThan(300);
    expect(reason).toMatch(
      /^changeId is longer than 200 characters \(100000\): "x{80}…" \(100000 characters\)$/,
    );
  });
});
