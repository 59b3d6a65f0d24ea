import { describe, expect, it } from 'vitest';
import { parseChangeMessage } from '../../shared/domain/changeMessage';
import { resourceChange, upsert } from '../support/changes';
import { core, room } from '../support/coreScenario';

const LONE = '\ud800';

/** An upsert of `appointmentId` with a changeId of its own (so only the id under test is bad). */
function appointment(appointmentId: string, version: number, resources: Parameters<typeof upsert>[2]) {
  return upsert(appointmentId, version, resources, { changeId: `c-${version}` });
}
const EUROS = '€'.repeat(200);

function rejection(body: unknown) {
  const parsed = parseChangeMessage(body);
  return parsed.ok ? undefined : { field: parsed.field, reason: parsed.reason };
}

describe('change message: ids that become Table Storage keys', () => {
  it('rejects a lone surrogate in appointmentId, changeId and a resource id, naming the position', () => {
    expect(rejection({ ...appointment(`A-${LONE}`, 1, [room('R1')]) })).toEqual({
      field: 'appointmentId',
      reason: 'appointmentId is not well-formed UTF-16 (a lone surrogate at position 2)',
    });
    expect(rejection({ ...appointment('A-1', 1, [room('R1')]), changeId: `c${LONE}` })).toEqual({
      field: 'changeId',
      reason: 'changeId is not well-formed UTF-16 (a lone surrogate at position 1)',
    });
    expect(rejection(appointment('A-1', 1, [room(`R${LONE}`)]))?.field).toBe('appointment.resources[0].id');
    expect(rejection(resourceChange(room(`\udc00R`), '2026-11-24T09:05:00Z'))).toEqual({
      field: 'resource.id',
      reason: 'resource.id is not well-formed UTF-16 (a lone surrogate at position 0)',
    });
  });

  it('rejects an id whose encoded key is over the budget, though it is within 200 characters', () => {
    expect(rejection(appointment(EUROS, 1, [room('R1')]))).toEqual({
      field: 'appointmentId',
      reason: 'appointmentId is 1800 characters once encoded for a storage key; at most 484',
    });
    expect(rejection(appointment('A-1', 1, [room(EUROS)]))?.reason).toBe(
      'appointment.resources[0].id is 1800 characters once encoded for a storage key; at most 484',
    );
    // A reserved ASCII character encodes to 3: 161 of them (483) are still a key, 162 (486) are not.
    expect(parseChangeMessage(appointment('/'.repeat(161), 1, [room('R1', { id: '#?\\' })])).ok).toBe(true);
    expect(rejection(appointment('/'.repeat(162), 1, [room('R1')]))?.reason).toBe(
      'appointmentId is 486 characters once encoded for a storage key; at most 484',
    );
  });

  it('rejects a lone surrogate in free text (Exchange and Table Storage store UTF-16 pairs only)', () => {
    const body = upsert('A-1', 1, [room('R1')], { subject: `Review ${LONE}` });
    expect(rejection(body)).toEqual({
      field: 'appointment.subject',
      reason: 'appointment.subject is not well-formed UTF-16 (a lone surrogate at position 7)',
    });
  });
});

describe('change message: dates Table Storage and Graph accept', () => {
  const at = (start: string, end: string) => rejection(upsert('A-1', 1, [room('R1')], { start, end }));

  it('rejects year 0, dates before 1601-01-01 UTC and years past 4500', () => {
    expect(at('0000-01-01T10:00:00Z', '0000-01-01T11:00:00Z')).toEqual({
      field: 'appointment.start',
      reason:
        'appointment.start "0000-01-01T10:00:00Z" is outside 1601-01-01T00:00:00Z … 4500-08-31T23:59:59Z, what Table Storage and Exchange store',
    });
    expect(at('1601-01-01T00:30:00+01:00', '1601-01-01T02:00:00Z')?.field).toBe('appointment.start');
    expect(at('4500-08-31T10:00:00Z', '4500-09-01T10:00:00Z')?.field).toBe('appointment.end');
    expect(at('9999-12-31T10:00:00Z', '9999-12-31T11:00:00Z')?.field).toBe('appointment.start');
    expect(at('1601-01-01T00:00:00Z', '1601-01-01T01:00:00Z')).toBeUndefined();
    const resource = rejection(resourceChange(room('R1'), '1600-06-01T00:00:00Z'));
    expect(resource?.field).toBe('changedAt');
  });
});

describe('ChangeProcessor: a malformed id ends as a row, never a throw', () => {
  it('records DSEX050 for a lone surrogate in the appointment id and the resource id', async () => {
    const c = core();
    const rows = [
      await c.processor.process(appointment(`A-${LONE}`, 1, [room('R1')])),
      await c.processor.process(appointment('A-2', 1, [room(`R${LONE}`)])),
      await c.processor.process(appointment(EUROS, 1, [room('R1')])),
    ];
    expect(rows.map((row) => [row?.status, row?.code])).toEqual([
      ['InvalidChangeMessage', 'DSEX050'],
      ['InvalidChangeMessage', 'DSEX050'],
      ['InvalidChangeMessage', 'DSEX050'],
    ]);
    // The id copied onto the invalid row is well-formed, so the row (and its Failures entry) can be written.
    expect(rows[0]?.appointmentId).toBe('A-\ufffd');
  });
});
