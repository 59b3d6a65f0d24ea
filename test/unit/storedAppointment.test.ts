import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../shared/domain/appointmentHistory';
import { writeNewestIfOvertaken } from '../../shared/domain/overtakenSync';
import type { AppointmentState, EventMapping, StoredAppointment } from '../../shared/domain/ports';
import {
  AppointmentMappings,
  mayHaveRow,
  withChanges,
  writtenAlone,
} from '../../shared/domain/storedAppointment';
import { appointment, core, room, START } from '../support/coreScenario';

const R1 = room('R1');

/** What the processor gives the overtaken check: its dependencies with the clock. */
function deps(c: ReturnType<typeof core>) {
  return { ...c.processorDependencies, now: () => START };
}

function mapping(
  resourceId: string,
  eventId: string,
  mailbox = `${resourceId.toLowerCase()}@x.com`,
): EventMapping {
  return { appointmentId: 'A-1', resourceId, mailbox, eventId, updatedAt: START };
}

function state(version: number, changeId = `A-1-v${version}`, deleted = false): AppointmentState {
  return { appointmentId: 'A-1', version, changeId, deleted, receivedAt: START };
}

function stored(fields: Partial<StoredAppointment> = {}): StoredAppointment {
  return { appointmentId: 'A-1', mappings: [], openTransactions: [], ...fields };
}

describe('writtenAlone: whether another sync got in between one read and its write', () => {
  const expected = stored({ state: state(2), mappings: [mapping('R1', 'e1'), mapping('R2', 'e2')] });

  it('holds for the same state and events, in any order', () => {
    const written = stored({ state: state(2), mappings: [mapping('R2', 'e2'), mapping('R1', 'e1')] });
    expect(writtenAlone(expected, written)).toBe(true);
  });

  it('fails for another state, an event more or less, another event id or another mailbox', () => {
    const events = expected.mappings;
    expect(writtenAlone(expected, { ...expected, state: state(2, 'A-1-v2-again') })).toBe(false);
    expect(writtenAlone(expected, { ...expected, mappings: [...events, mapping('R3', 'e3')] })).toBe(false);
    expect(writtenAlone(expected, { ...expected, mappings: [mapping('R1', 'e1')] })).toBe(false);
    expect(
      writtenAlone(expected, { ...expected, mappings: [mapping('R1', 'e1'), mapping('R2', 'e9')] }),
    ).toBe(false);
    const moved = [mapping('R1', 'e1'), mapping('R2', 'e2', 'elsewhere@x.com')];
    expect(writtenAlone(expected, { ...expected, mappings: moved })).toBe(false);
  });
});

describe('AppointmentMappings and withChanges', () => {
  it('applies this sync’s mapping changes to what is stored now, sorted by resource', async () => {
    const mappings = new AppointmentMappings([mapping('R2', 'e2'), mapping('R1', 'e1')]);
    await mappings.putMapping(mapping('R3', 'e3'));
    await mappings.deleteMapping('A-1', 'R2');
    const now = [mapping('R4', 'e4'), mapping('R2', 'e2'), mapping('R0', 'e0')];
    expect(mappings.appliedTo(now).map((m) => m.resourceId)).toEqual(['R0', 'R3', 'R4']);
  });

  it('closes and opens rows, and never puts an older state over a newer one', () => {
    const current = stored({ state: state(3), openTransactions: ['tx-1', 'tx-2'] });
    const update = withChanges({
      state: state(2),
      mappings: new AppointmentMappings([]),
      closed: ['tx-1'],
      opened: ['tx-2', 'tx-3'],
    });
    expect(update(current)).toMatchObject({ state: state(3), openTransactions: ['tx-2', 'tx-3'] });
  });
});

describe('mayHaveRow', () => {
  const change = { changeId: 'A-1-v2', transactionId: 'tx-2', version: 2 };

  it('no stored state: no row yet', () => {
    expect(mayHaveRow(stored(), change)).toBe(false);
  });

  it('the stored change itself, an older or equal version, or an open row: maybe', () => {
    expect(mayHaveRow(stored({ state: state(1, 'A-1-v2') }), change)).toBe(true);
    expect(mayHaveRow(stored({ state: state(3) }), change)).toBe(true);
    expect(mayHaveRow(stored({ state: state(2, 'A-1-v2-other') }), change)).toBe(true);
    expect(mayHaveRow(stored({ state: state(1), openTransactions: ['tx-2'] }), change)).toBe(true);
  });

  it('a newer version, not stored and not open: never recorded', () => {
    expect(mayHaveRow(stored({ state: state(1), openTransactions: ['tx-9'] }), change)).toBe(false);
  });
});

describe('writeNewestIfOvertaken', () => {
  it('writes nothing when the newest stored state is a delete with no event left', async () => {
    const c = core();
    const read = await c.appointments.getAppointment('A-1');
    const written = await c.appointments.updateAppointment(
      read,
      withChanges({
        state: state(2, 'A-1-v2', true),
        mappings: new AppointmentMappings([]),
        closed: [],
        opened: [],
      }),
    );
    const expected = stored({ state: state(1) });
    expect(await writeNewestIfOvertaken(deps(c), expected, written, 1)).toBeUndefined();
    expect(c.exchange.calls).toEqual([]);
  });

  it('syncs the newest state again at most three times while other writers keep getting in, rows untouched', async () => {
    const c = core();
    const v1 = appointment('A-1', 1, [R1]);
    const newest = { ...state(1), snapshot: v1.appointment };
    let writes = 0;
    // Every write is beaten by another writer that adds an event of its own.
    const appointments = {
      getAppointment: (id: string) => c.appointments.getAppointment(id),
      addToHistory: (entry: HistoryEntry) => c.appointments.addToHistory(entry),
      updateAppointment: async (
        read: StoredAppointment,
        update: (s: StoredAppointment) => StoredAppointment,
      ) => {
        writes++;
        const next = update(read);
        return { ...next, mappings: [...next.mappings, mapping(`R-other-${writes}`, `e-${writes}`)] };
      },
    };
    const written = stored({ state: newest, openTransactions: ['tx-open'], mappings: [mapping('R9', 'e9')] });
    const result = await writeNewestIfOvertaken(
      { ...deps(c), appointments },
      stored({ state: newest }),
      written,
      1,
    );
    expect(writes).toBe(3);
    expect(result?.resources.every((r) => r.status === 'Success')).toBe(true);
  });
});
