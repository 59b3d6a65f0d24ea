import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableStores, type TableStores } from '../../shared/adapters/tables';
import type { AppointmentSnapshot } from '../../shared/domain/changeMessage';
import type { AppointmentState, EventMapping, ResourceState } from '../../shared/domain/ports';
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
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
});

function mapping(resourceId: string, eventId: string): EventMapping {
  return {
    appointmentId: APPOINTMENT_ID,
    resourceId,
    mailbox: 'room4@contoso.com',
    eventId,
    updatedAt: new Date('2026-11-24T09:00:00.123Z'),
  };
}

describe('appointments', () => {
  it('reads nothing stored as empty, round-trips state, mappings and open rows in one read and one write', async () => {
    const empty = await stores.appointments.getAppointment(APPOINTMENT_ID);
    expect(empty).toEqual({ appointmentId: APPOINTMENT_ID, mappings: [], openTransactions: [] });
    const mappings = [mapping('R/7#', 'AAMkAGI2TG93AAA='), mapping('R-8', 'AAMk8=')];
    const before = stores.operationCount();
    const written = await stores.appointments.updateAppointment(empty, (current) => ({
      ...current,
      state: appointment(5),
      mappings,
      openTransactions: ['tx-1', 'tx-2'],
    }));
    const read = await stores.appointments.getAppointment(APPOINTMENT_ID);
    expect(stores.operationCount() - before).toBe(2);
    expect(read).toEqual({ ...written, etag: read.etag });
    expect(read.state).toEqual(appointment(5));
    expect(read.mappings).toEqual(mappings);
    expect(read.openTransactions).toEqual(['tx-1', 'tx-2']);

    const deleted = appointment(2 ** 40, { deleted: true, snapshot: undefined });
    await stores.appointments.updateAppointment(read, (current) => ({
      ...current,
      state: deleted,
      mappings: [],
    }));
    expect((await stores.appointments.getAppointment(APPOINTMENT_ID)).state).toEqual(deleted);
  });

  it('re-reads and applies the update again after another writer got in (stale ETag)', async () => {
    const id = 'A-stale';
    const first = await stores.appointments.getAppointment(id);
    const other = await stores.appointments.updateAppointment(first, (current) => ({
      ...current,
      mappings: [{ ...mapping('R-1', 'E1'), appointmentId: id }],
    }));
    expect(other.etag).toBeDefined();
    const seen: number[] = [];
    const mine = await stores.appointments.updateAppointment(first, (current) => {
      seen.push(current.mappings.length);
      return { ...current, openTransactions: ['tx-mine'] };
    });
    expect(seen).toEqual([0, 1]);
    expect(mine.mappings.map((m) => m.eventId)).toEqual(['E1']);
    const stored = await stores.appointments.getAppointment(id);
    expect(stored.openTransactions).toEqual(['tx-mine']);
    expect(stored.mappings.map((m) => m.eventId)).toEqual(['E1']);
  });

  // Each lost race is another writer's win, so 10 writers finish within the store's 10 rounds.
  it('loses no update of concurrent writers', async () => {
    const id = 'A-concurrent';
    const read = await stores.appointments.getAppointment(id);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        stores.appointments.updateAppointment(read, (current) => ({
          ...current,
          openTransactions: [...current.openTransactions, `tx-${i}`],
        })),
      ),
    );
    expect((await stores.appointments.getAppointment(id)).openTransactions).toHaveLength(10);
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

  it("keeps a resource's own privacy parts, and forgets them when a newer state has none", async () => {
    const own = resource('R-private', '2026-11-24T09:00:00Z', {
      privacy: { sensitivities: ['normal'], details: 'subjectAndLocation' },
    });
    expect(await stores.resources.saveResourceIfNewer(own)).toBe(true);
    expect((await stores.resources.getResources(['R-private'])).get('R-private')).toEqual(own);
    const plain = resource('R-private', '2026-11-24T09:05:00Z');
    expect(await stores.resources.saveResourceIfNewer(plain)).toBe(true);
    expect((await stores.resources.getResources(['R-private'])).get('R-private')).toEqual(plain);
  });

  it('the cached view reads each resource once, absent ones too, and reads again after a save', async () => {
    const cached = stores.cachedResources;
    await cached.getResources(['R-8', 'R-cached-missing']);
    const before = stores.operationCount();
    const again = await cached.getResources(['R-8', 'R-cached-missing']);
    expect(stores.operationCount() - before).toBe(0);
    expect([...again.keys()]).toEqual(['R-8']);
    const enabled = resource('R-8', '2026-11-24T10:00:00Z', { exchangeEnabled: true });
    expect(await cached.saveResourceIfNewer(enabled)).toBe(true);
    expect((await cached.getResources(['R-8'])).get('R-8')).toEqual(enabled);
  });
});
