import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChangeMessage, type ParsedChange, parseChangeMessage } from '../../shared/domain/changeMessage';
import {
  breakField,
  encodeBody,
  endNotAfterStart,
  hostileChangeBody,
  hugeString,
  malformedMailbox,
  validAppointmentChange,
  validAppointmentWire,
  validResourceChange,
  validResourceWire,
  wireEncoding,
} from '../arbitraries/changeMessages';

const RUNS = { numRuns: 300, seed: 13004 } as const;

function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** The contract of a rejection: one short, readable sentence that starts with the field it names. */
function expectWellFormed(parsed: ParsedChange): void {
  if (parsed.ok) return;
  expect(parsed.reason.length).toBeGreaterThan(0);
  expect(parsed.reason.length).toBeLessThanOrEqual(300);
  expect(hasControlChar(parsed.reason)).toBe(false);
  expect(hasControlChar(parsed.field)).toBe(false);
  expect(parsed.reason.startsWith(parsed.field === '' ? 'body' : parsed.field)).toBe(true);
}

const CHANGE_KEYS = {
  appointment: ['kind', 'changeId', 'appointmentId', 'version', 'changedAt', 'operation', 'appointment'],
  resource: ['kind', 'changeId', 'resource', 'changedAt'],
  snapshot: ['subject', 'start', 'end', 'timeZone', 'location', 'body', 'isAllDay', 'resources'],
  assignment: ['id', 'name', 'mailbox', 'exchangeEnabled'],
} as const;

function expectOnlyContractFields(change: ChangeMessage): void {
  const within = (o: object, allowed: readonly string[]) =>
    expect(Object.keys(o).every((k) => allowed.includes(k))).toBe(true);
  if (change.kind === 'resource') {
    within(change, CHANGE_KEYS.resource);
    within(change.resource, CHANGE_KEYS.assignment);
    return;
  }
  within(change, CHANGE_KEYS.appointment);
  if (change.operation === 'upsert') {
    within(change.appointment, CHANGE_KEYS.snapshot);
    for (const r of change.appointment.resources) within(r, CHANGE_KEYS.assignment);
  }
}

describe('parseChangeMessage: valid messages (property)', () => {
  it('parses every canonical appointment change to itself, in every encoding', () => {
    fc.assert(
      fc.property(validAppointmentChange, wireEncoding, (change, encoding) => {
        expect(parseChangeMessage(encodeBody(change, encoding))).toEqual({ ok: true, change });
      }),
      RUNS,
    );
  });

  it('parses every canonical resource change to itself, in every encoding', () => {
    fc.assert(
      fc.property(validResourceChange, wireEncoding, (change, encoding) => {
        expect(parseChangeMessage(encodeBody(change, encoding))).toEqual({ ok: true, change });
      }),
      RUNS,
    );
  });

  it('fills defaults, infers kind, orders by changedAt and drops unknown fields on the wire', () => {
    fc.assert(
      fc.property(fc.oneof(validAppointmentWire, validResourceWire), ({ body, expected }) => {
        const parsed = parseChangeMessage(body);
        expect(parsed).toEqual({ ok: true, change: expected });
        if (parsed.ok) expectOnlyContractFields(parsed.change);
      }),
      RUNS,
    );
  });
});

describe('parseChangeMessage: hostile input (property)', () => {
  it('never throws, and every rejection is one short readable sentence naming its field', () => {
    fc.assert(
      fc.property(hostileChangeBody, (body) => {
        let parsed: ParsedChange | undefined;
        expect(() => {
          parsed = parseChangeMessage(body);
        }).not.toThrow();
        if (parsed === undefined) throw new Error('no result');
        expectWellFormed(parsed);
        if (parsed.ok) {
          expectOnlyContractFields(parsed.change);
          // What was accepted is stable: parsing its own JSON gives it back.
          expect(parseChangeMessage(JSON.stringify(parsed.change))).toEqual(parsed);
        }
      }),
      { numRuns: 500, seed: 13005 },
    );
  });

  it('rejects an end at or before the start on appointment.end', () => {
    fc.assert(
      fc.property(endNotAfterStart, wireEncoding, (message, encoding) => {
        const parsed = parseChangeMessage(encodeBody(message, encoding));
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) {
          expect(parsed.field).toBe('appointment.end');
          expect(parsed.reason).toMatch(/^appointment\.end is (before|equal to) appointment\.start/);
        }
      }),
      RUNS,
    );
  });

  it('rejects a malformed mailbox on its exact path', () => {
    const upsertWithResources = validAppointmentChange.filter(
      (c) => c.operation === 'upsert' && c.appointment.resources.length > 0,
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(upsertWithResources, fc.nat(), malformedMailbox).map(([change, n, mailbox]) => {
            const count = change.operation === 'upsert' ? change.appointment.resources.length : 1;
            const i = n % count;
            const field = `appointment.resources[${i}].mailbox`;
            return { body: breakField(change, ['appointment', 'resources', i, 'mailbox'], mailbox), field };
          }),
          fc.tuple(validResourceChange, malformedMailbox).map(([change, mailbox]) => ({
            body: breakField(change, ['resource', 'mailbox'], mailbox),
            field: 'resource.mailbox',
          })),
        ),
        ({ body, field }) => {
          const parsed = parseChangeMessage(body);
          expect(parsed.ok).toBe(false);
          if (!parsed.ok) {
            expect(parsed.field).toBe(field);
            expectWellFormed(parsed);
          }
        },
      ),
      RUNS,
    );
  });

  it('keeps reasons short when a field holds a 100k-character string', () => {
    const paths = [
      ['changeId'],
      ['appointmentId'],
      ['changedAt'],
      ['appointment', 'subject'],
      ['appointment', 'start'],
      ['appointment', 'timeZone'],
      ['appointment', 'location'],
      ['appointment', 'resources', 0, 'id'],
      ['appointment', 'resources', 0, 'mailbox'],
    ] as const;
    const upsertWithResources = validAppointmentChange.filter(
      (c) => c.operation === 'upsert' && c.appointment.resources.length > 0,
    );
    fc.assert(
      fc.property(upsertWithResources, fc.constantFrom(...paths), hugeString, (change, path, value) => {
        const parsed = parseChangeMessage(JSON.stringify(breakField(change, path, value)));
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) {
          expect(parsed.field).toBe(path.join('.').replace(/\.(\d+)/g, '[$1]'));
          expectWellFormed(parsed);
        }
      }),
      { numRuns: 100, seed: 13006 },
    );
  });
});
