import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableStores, type TableStores } from '../../shared/adapters/tables';
import type { AppointmentSnapshot } from '../../shared/domain/changeMessage';
import type { AppointmentState, ResourceState } from '../../shared/domain/ports';
import { type RunningAzurite, startAzurite } from '../../stand-ins/azurite';
import { absentUndefined, type Loose } from '../support/loose';

let azurite: RunningAzurite;
let stores: TableStores;

const APPOINTMENT_ID = 'A/1#?\\ ünï';

const snapshot: AppointmentSnapshot = {
  subject: 'Annual review <b>&</b> 😀',
  start: '2026-12-01T10:00:00+01:00',
  end: '2026-12-01T11:00:00+01:00',
  timeZone: 'Europe/Amsterdam',
  location: "Room 4 'north'",
  // Longer than one property holds: the snapshot is stored over several properties.
  body: `<p>${'agenda '.repeat(10_000)}</p>`,
  isAllDay: false,
  resources: [{ id: 'R/7', name: 'Room 4', mailbox: 'room4@contoso.com', exchangeEnabled: true }],
};

function appointment(version: number, overrides: Loose<AppointmentState> = {}): AppointmentState {
  return absentUndefined<AppointmentState>({
    appointmentId: APPOINTMENT_ID,
    version,
    changeId: `change-${version}`,
    deleted: false,
    snapshot,
    receivedAt: new Date(Date.UTC(2026, 10, 24, 9, 0, version)),
    ...overrides,
  });
}

function resource(id: string, changedAt: string, overrides: Partial<ResourceState> = {}): ResourceState {
  return {
    id,
    name: `Room ${id}`,
    mailbox: 'room@contoso.com',
    exchangeEnabled: true,
    changedAt: new Date(changedAt),
    ...overrides,
  };
}

beforeAll(async () => {
  azurite = await startAzurite();
  stores = createTableStores(
    { kind: 'connectionString', connectionString: azurite.connectionString },
    { tablePrefix: 'state' },
  );
});

afterAll(async () => {
  await azurite?.stop();
});

describe('appointments', () => {
  it('saves newer and equal versions, rejects older ones, and round-trips the state', async () => {
    expect(await stores.appointments.getAppointment(APPOINTMENT_ID)).toBeUndefined();
    expect(await stores.appointments.saveAppointmentIfNewer(appointment(5))).toBe(true);
    expect(await stores.appointments.saveAppointmentIfNewer(appointment(4))).toBe(false);
    expect(await stores.appointments.getAppointment(APPOINTMENT_ID)).toEqual(appointment(5));

    const redelivered = appointment(5, { receivedAt: new Date(Date.UTC(2026, 10, 25)) });
    expect(await stores.appointments.saveAppointmentIfNewer(redelivered)).toBe(true);
    expect(await stores.appointments.getAppointment(APPOINTMENT_ID)).toEqual(redelivered);

    const deleted = appointment(2 ** 40, { deleted: true, snapshot: undefined });
    expect(await stores.appointments.saveAppointmentIfNewer(deleted)).toBe(true);
    expect(await stores.appointments.getAppointment(APPOINTMENT_ID)).toEqual(deleted);
  });

  it('ends with the newest of concurrent saves', async () => {
    const id = 'A-concurrent';
    const versions = Array.from({ length: 20 }, (_, i) => i + 1);
    const saved = await Promise.all(
      versions.map((version) =>
        stores.appointments.saveAppointmentIfNewer(appointment(version, { appointmentId: id })),
      ),
    );
    expect(saved[19]).toBe(true);
    expect((await stores.appointments.getAppointment(id))?.version).toBe(20);
  });
});

describe('mappings', () => {
  it('puts, lists by appointment, replaces and deletes', async () => {
    const mapping = {
      appointmentId: APPOINTMENT_ID,
      resourceId: 'R/7#',
      mailbox: 'room4@contoso.com',
      eventId: 'AAMkAGI2TG93AAA=',
      updatedAt: new Date('2026-11-24T09:00:00.123Z'),
    };
    await stores.mappings.putMapping(mapping);
    await stores.mappings.putMapping({ ...mapping, resourceId: 'R-8', eventId: 'AAMk8=' });
    await stores.mappings.putMapping({ ...mapping, appointmentId: 'A-other' });
    expect(await stores.mappings.listMappings(APPOINTMENT_ID)).toHaveLength(2);

    const moved = { ...mapping, eventId: 'AAMk-new=', mailbox: 'room5@contoso.com' };
    await stores.mappings.putMapping(moved);
    const before = stores.operationCount();
    const listed = await stores.mappings.listMappings(APPOINTMENT_ID);
    expect(stores.operationCount() - before).toBe(1);
    expect(listed).toContainEqual(moved);

    await stores.mappings.deleteMapping(APPOINTMENT_ID, 'R/7#');
    await stores.mappings.deleteMapping(APPOINTMENT_ID, 'R/7#');
    expect((await stores.mappings.listMappings(APPOINTMENT_ID)).map((m) => m.resourceId)).toEqual(['R-8']);
    expect(await stores.mappings.listMappings('A-none')).toEqual([]);
  });
});

describe('resources', () => {
  it('keeps the newest state of each resource and reads several in parallel', async () => {
    const original = resource('R/7#?', '2026-11-24T09:00:00Z');
    expect(await stores.resources.saveResourceIfNewer(original)).toBe(true);
    const older = resource('R/7#?', '2026-11-24T08:00:00Z', { exchangeEnabled: false });
    expect(await stores.resources.saveResourceIfNewer(older)).toBe(false);
    const fixed = resource('R/7#?', '2026-11-24T09:05:00Z', { mailbox: 'fixed@contoso.com' });
    expect(await stores.resources.saveResourceIfNewer(fixed)).toBe(true);
    expect(await stores.resources.saveResourceIfNewer(fixed)).toBe(true);
    await stores.resources.saveResourceIfNewer(
      resource('R-8', '2026-11-24T09:00:00Z', { exchangeEnabled: false }),
    );

    const before = stores.operationCount();
    const found = await stores.resources.getResources(['R/7#?', 'R-8', 'R-missing', 'R-8']);
    expect(stores.operationCount() - before).toBe(3);
    expect([...found.keys()].sort()).toEqual(['R-8', 'R/7#?']);
    expect(found.get('R/7#?')).toEqual(fixed);
    expect(found.get('R-8')?.exchangeEnabled).toBe(false);
    expect(await stores.resources.getResources([])).toEqual(new Map());
  });
});
