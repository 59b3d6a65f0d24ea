import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableStores, type TableStores } from '../../shared/adapters/tables';
import { dayKey } from '../../shared/adapters/tables/keys';
import { historyEntryOf } from '../../shared/domain/appointmentHistory';
import { MANUAL_REPLAYS_SHOWN } from '../../shared/domain/replayAudit';
import type { TransactionRecord } from '../../shared/domain/transaction';
import { type RunningAzurite, startAzurite } from '../../stand-ins/azurite';

/* The audit entries, the appointment history and the chart's day counts on Azurite, through the real SDK. */

let azurite: RunningAzurite;
let prefixes = 0;
const NASTY_ID = `A/1#2?3\\4 'quoted' ünï`;
const DAY = 86_400_000;

function isolatedStores(): TableStores {
  return createTableStores(
    { kind: 'connectionString', connectionString: azurite.connectionString },
    { tablePrefix: `h${++prefixes}${Date.now().toString(36)}` },
  );
}

function row(
  transactionId: string,
  createdAt: Date,
  overrides: Partial<TransactionRecord> = {},
): TransactionRecord {
  return {
    transactionId,
    changeId: `change-${transactionId}`,
    appointmentId: NASTY_ID,
    operation: 'upsert',
    status: 'Failed',
    code: 'DSEX040',
    message: '[DSEX040] Transient error from Microsoft Graph.',
    attempts: 1,
    createdAt,
    lastAttemptAt: createdAt,
    resources: [],
    nextAttemptAt: new Date(createdAt.getTime() + 300_000),
    ...overrides,
  };
}

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

describe('manual replays', () => {
  it('keeps each entry beside the row, untouched when an attempt rewrites the row, newest first, the last 10', async () => {
    const stores = isolatedStores();
    const record = row('tx-audited', new Date(Date.now() - DAY));
    await stores.transactions.recordTransaction(record, null);
    const start = Date.now() - 3_600_000;
    for (let i = 0; i < 12; i++) {
      await stores.manualReplays.recordManualReplay({
        transactionId: record.transactionId,
        messageId: `replay:${record.transactionId}:${i}:manual`,
        requestedAt: new Date(start + i * 60_000),
        requestedBy: {
          name: `Operator ${i}`,
          objectId: `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
        },
      });
    }
    // An attempt that read the row before the replays were recorded writes it whole again.
    await stores.transactions.recordTransaction({ ...record, status: 'Success', attempts: 2 }, record);
    const replays = await stores.manualReplays.listManualReplays(record.transactionId);
    expect(replays).toHaveLength(MANUAL_REPLAYS_SHOWN);
    expect(replays.map((r) => r.requestedBy.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Operator ${11 - i}`),
    );
    expect(replays[0]).toEqual({
      transactionId: record.transactionId,
      messageId: `replay:${record.transactionId}:11:manual`,
      requestedAt: new Date(start + 11 * 60_000),
      requestedBy: { name: 'Operator 11', objectId: '00000000-0000-4000-8000-000000000011' },
    });
    expect(await stores.transactions.getTransaction(record.transactionId)).toMatchObject({ attempts: 2 });
    expect(await stores.manualReplays.listManualReplays('tx-never-replayed')).toEqual([]);
  });
});

describe('appointment history', () => {
  /** A row recorded as the recorder records one: its history entry first, then the row. */
  async function recordNew(stores: TableStores, record: TransactionRecord): Promise<void> {
    const entry = historyEntryOf(record);
    if (entry) await stores.appointments.addToHistory(entry);
    await stores.transactions.recordTransaction(record, null);
  }

  it('lists every row of one appointment oldest first, as the row stands now, and only its own', async () => {
    const stores = isolatedStores();
    const now = Date.now();
    const rows = [3, 1, 2].map((daysAgo) => row(`tx-${daysAgo}`, new Date(now - daysAgo * DAY)));
    for (const record of rows) await recordNew(stores, record);
    await stores.transactions.recordTransaction({ ...rows[1]!, status: 'Success', attempts: 2 }, rows[1]);
    await recordNew(stores, row('tx-other', new Date(now), { appointmentId: 'A-2' }));
    const { rows: history, more } = await stores.history.listHistory(NASTY_ID, 50);
    expect(more).toBe(false);
    expect(history.map((r) => [r.transactionId, r.status, r.attempts])).toEqual([
      ['tx-3', 'Failed', 1],
      ['tx-2', 'Failed', 1],
      ['tx-1', 'Success', 2],
    ]);
    const limited = await stores.history.listHistory(NASTY_ID, 2);
    expect(limited.rows.map((r) => r.transactionId)).toEqual(['tx-3', 'tx-2']);
    expect(limited.more).toBe(true);
    // The appointment's own entity is no history entry, and reads as before.
    expect(await stores.appointments.getAppointment(NASTY_ID)).toEqual({
      appointmentId: NASTY_ID,
      mappings: [],
      openTransactions: [],
    });
  });

  it("adds a new row's entry in the appointment's own write: one operation, retried whole after a lost race", async () => {
    const stores = isolatedStores();
    const appointmentId = 'A-batched';
    const record = row('tx-batched', new Date(), { appointmentId });
    const entry = historyEntryOf(record);
    const empty = await stores.appointments.getAppointment(appointmentId);
    // Warm: the tables exist, so the count below is the writes alone.
    await stores.history.listHistory(appointmentId, 1);
    await stores.transactions.getTransaction('tx-none');
    const before = stores.operationCount();
    const written = await stores.appointments.updateAppointment(
      empty,
      (current) => ({ ...current, openTransactions: ['tx-batched'] }),
      entry,
    );
    expect(stores.operationCount() - before).toBe(1);
    // The ETag the transaction answered is the one the next conditional write needs.
    const again = await stores.appointments.updateAppointment(written, (current) => current);
    expect(again.etag).not.toBe(written.etag);
    // A writer holding the first read loses the race, reads again and writes entity and entry anew.
    const late = row('tx-late', new Date(Date.now() + 1_000), { appointmentId });
    const merged = await stores.appointments.updateAppointment(
      empty,
      (current) => ({ ...current, openTransactions: [...current.openTransactions, 'tx-late'] }),
      historyEntryOf(late),
    );
    expect(merged.openTransactions).toEqual(['tx-batched', 'tx-late']);
    await stores.transactions.recordTransaction(record, null);
    await stores.transactions.recordTransaction(late, null);
    const { rows } = await stores.history.listHistory(appointmentId, 50);
    expect(rows.map((r) => r.transactionId)).toEqual(['tx-batched', 'tx-late']);
  });

  it('skips an entry whose row was never written and reads a row entered twice once', async () => {
    const stores = isolatedStores();
    const appointmentId = 'A-crashed';
    const first = row('tx-crashed', new Date(Date.now() - 60_000), { appointmentId });
    // A crash after the entry, before the row; the redelivery enters the same row again, later.
    await stores.appointments.addToHistory(historyEntryOf(first)!);
    await recordNew(stores, { ...first, createdAt: new Date() });
    await stores.appointments.addToHistory(historyEntryOf(row('tx-lost', new Date(), { appointmentId }))!);
    const { rows, more } = await stores.history.listHistory(appointmentId, 50);
    expect(rows.map((r) => r.transactionId)).toEqual(['tx-crashed']);
    expect(more).toBe(false);
  });

  it('keeps no history for a row without an appointment id', () => {
    expect(historyEntryOf(row('tx-invalid', new Date(), { appointmentId: '' }))).toBeUndefined();
  });
});

describe('failures per day', () => {
  it('counts the open failures per code for each of the last days, oldest first', async () => {
    const stores = isolatedStores();
    const now = new Date();
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    await stores.transactions.recordTransaction(row('tx-a', at(0)), null);
    await stores.transactions.recordTransaction(
      row('tx-b', at(0), { code: 'DSEX012', status: 'Skipped' }),
      null,
    );
    await stores.transactions.recordTransaction(row('tx-c', at(2)), null);
    await stores.transactions.recordTransaction(row('tx-d', at(20)), null); // before the chart
    const { code: _none, nextAttemptAt: _never, ...succeeded } = row('tx-e', at(1));
    await stores.transactions.recordTransaction({ ...succeeded, status: 'Success' }, null);
    const days = await stores.failureDays.failuresPerDay(14, now);
    expect(days).toHaveLength(14);
    expect(days[13]).toEqual({ day: dayKey(now), counts: { DSEX040: 1, DSEX012: 1 } });
    expect(days[11]).toEqual({ day: dayKey(at(2)), counts: { DSEX040: 1 } });
    expect(days.reduce((sum, day) => sum + Object.values(day.counts).reduce((a, b) => a + b, 0), 0)).toBe(3);
    expect(days[0]?.day).toBe(dayKey(at(13)));
  });
});
