import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableStores, type TableStores } from '../../shared/adapters/tables';
import { COUNTS_MAX_AGE_MS } from '../../shared/adapters/tables/failureIndex';
import { transactionRow } from '../../shared/adapters/tables/transactionRow';
import { DAY_MS } from '../../shared/domain/time';
import type { TransactionRecord } from '../../shared/domain/transaction';
import type { ServiceConnection } from '../../shared/settings';
import { type RunningAzurite, startAzurite } from '../../stand-ins/azurite';
import { absentUndefined, type Loose } from '../support/loose';

const NASTY_ID = `tx/1#2?3\\4 'quoted' ünï ✓ 😀`;

let azurite: RunningAzurite;
let connection: ServiceConnection;
let prefixes = 0;

/** Stores over tables of their own, so tests sharing the Azurite do not see each other's rows. */
function isolatedStores(now?: () => number): { stores: TableStores; raw: (table: string) => TableClient } {
  const prefix = `t${++prefixes}${Date.now().toString(36)}`;
  return {
    stores: createTableStores(connection, { tablePrefix: prefix, ...(now ? { now } : {}) }),
    raw: (table) =>
      TableClient.fromConnectionString(azurite.connectionString, `${prefix}${table}`, {
        allowInsecureConnection: true,
      }),
  };
}

async function entityCount(client: TableClient): Promise<number> {
  let count = 0;
  for await (const _ of client.listEntities()) count++;
  return count;
}

function failedRecord(overrides: Loose<TransactionRecord> = {}): TransactionRecord {
  const createdAt = new Date(Date.now() - 3_600_000);
  return absentUndefined<TransactionRecord>({
    transactionId: 'tx-1',
    changeId: 'change-1',
    appointmentId: 'A-1',
    operation: 'upsert',
    version: 7,
    status: 'Failed',
    code: 'DSEX040',
    message: '[DSEX040] Transient error from Microsoft Graph: 503 for Room 4 (room4@contoso.com).',
    attempts: 1,
    createdAt,
    lastAttemptAt: createdAt,
    resources: [
      {
        resourceId: 'R-7',
        name: 'Room 4',
        mailbox: 'room4@contoso.com',
        action: 'create',
        status: 'Failed',
        code: 'DSEX040',
        message: '503 Service Unavailable',
      },
      {
        resourceId: 'R-8',
        name: 'Ann',
        mailbox: 'ann@contoso.com',
        action: 'update',
        status: 'Success',
        message: 'updated',
        eventId: 'AAMk=',
      },
    ],
    nextAttemptAt: new Date(createdAt.getTime() + 300_000),
    ...overrides,
  });
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = items[next++]; item !== undefined; item = items[next++]) await work(item);
    }),
  );
}

beforeAll(async () => {
  azurite = await startAzurite();
  connection = { kind: 'connectionString', connectionString: azurite.connectionString };
});

afterAll(async () => {
  await azurite?.stop();
});

describe('transaction rows', () => {
  it('round-trips a full record: dates, large numbers, JSON, unicode, markup and ids with / # ? \\', async () => {
    const { stores, raw } = isolatedStores();
    const record: TransactionRecord = failedRecord({
      transactionId: NASTY_ID,
      changeId: 'chänge/#?',
      appointmentId: 'A/1#?\\',
      version: 2 ** 53 - 1,
      message: `[DSEX040] <script>alert("x")</script> & 'quotes' — 日本語 😀\nline two`,
      waitingOnResources: ['R/1', 'R#2'],
      needsManualAction: false,
      rawBody: '{"kind":"appointment","body":"<b>bold</b>"}',
      durationMs: 1234.5,
    });
    await stores.transactions.recordTransaction(record);

    expect(await stores.transactions.getTransaction(NASTY_ID)).toEqual(record);
    const row = await raw('Transactions').getEntity(encodeURIComponent(NASTY_ID), '');
    expect(row).toMatchObject({ TransactionId: NASTY_ID, Status: 'Failed', Attempts: 1 });
    expect(typeof row.Version).toBe('number');
    expect(row.CreatedAt).toBeInstanceOf(Date);
    expect(await stores.transactions.getTransaction('tx-unknown')).toBeUndefined();
  });

  it('cuts long strings to one property and keeps long JSON whole', async () => {
    const { stores } = isolatedStores();
    const longMessage = `${'x'.repeat(31_999)}😀 tail`;
    const manyResources = Array.from({ length: 300 }, (_, i) => ({
      resourceId: `R-${i}`,
      name: `Room ${i}`,
      mailbox: `room${i}@contoso.com`,
      action: 'create' as const,
      status: 'Failed' as const,
      code: 'DSEX040' as const,
      message: `503 ${'retry later '.repeat(20)}`,
    }));
    await stores.transactions.recordTransaction(
      failedRecord({ message: longMessage, rawBody: 'y'.repeat(40_000), resources: manyResources }),
    );

    const stored = await stores.transactions.getTransaction('tx-1');
    // The cut does not split the surrogate pair at the boundary.
    expect(stored?.message).toBe('x'.repeat(31_999));
    expect(stored?.rawBody).toHaveLength(32_000);
    expect(stored?.resources).toEqual(manyResources);
  });

  it('keeps the Failures and Pending entries in step with status and nextAttemptAt', async () => {
    const { stores, raw } = isolatedStores();
    const failed = failedRecord({ transactionId: NASTY_ID });
    const failureKey = {
      partitionKey: failed.createdAt.toISOString().slice(0, 10).replace(/-/g, ''),
      rowKey: `${String(9_999_999_999_999 - failed.createdAt.getTime()).padStart(13, '0')}_${encodeURIComponent(NASTY_ID)}`,
    };
    const pendingKey = { partitionKey: 'pending', rowKey: `A-1|${encodeURIComponent(NASTY_ID)}` };
    const present = async (table: string, key: { partitionKey: string; rowKey: string }) =>
      raw(table)
        .getEntity(key.partitionKey, key.rowKey)
        .then(
          () => true,
          () => false,
        );

    await stores.transactions.recordTransaction(failed);
    expect(await present('Failures', failureKey)).toBe(true);
    expect(await present('Pending', pendingKey)).toBe(true);

    const needsFix = failedRecord({
      ...failed,
      attempts: 2,
      nextAttemptAt: undefined,
      needsManualAction: true,
    });
    await stores.transactions.recordTransaction(needsFix);
    expect(await present('Failures', failureKey)).toBe(true);
    expect(await present('Pending', pendingKey)).toBe(false);

    await stores.transactions.recordTransaction(
      failedRecord({ ...failed, attempts: 3, status: 'Success', code: undefined }),
    );
    expect(await present('Failures', failureKey)).toBe(false);
    expect(await present('Pending', pendingKey)).toBe(true);

    await stores.transactions.recordTransaction(
      failedRecord({ ...failed, attempts: 4, status: 'Success', code: undefined, nextAttemptAt: undefined }),
    );
    expect(await present('Failures', failureKey)).toBe(false);
    expect(await present('Pending', pendingKey)).toBe(false);
  });

  it('is idempotent and repairs a crash between writes when the same record is recorded again', async () => {
    const { stores, raw } = isolatedStores();
    const record = failedRecord();
    await stores.transactions.recordTransaction(record);
    await stores.transactions.recordTransaction(record);
    const counts = async () =>
      Promise.all(['Transactions', 'Failures', 'Pending'].map((table) => entityCount(raw(table))));
    expect(await counts()).toEqual([1, 1, 1]);

    // A crash after the row was written: neither index entry was.
    await raw('Failures').deleteEntity(
      record.createdAt.toISOString().slice(0, 10).replace(/-/g, ''),
      `${String(9_999_999_999_999 - record.createdAt.getTime()).padStart(13, '0')}_tx-1`,
    );
    await raw('Pending').deleteEntity('pending', 'A-1|tx-1');
    await stores.transactions.recordTransaction(record);
    expect(await counts()).toEqual([1, 1, 1]);
    expect(await stores.transactions.getTransaction('tx-1')).toEqual(record);
  });

  it('lets a RestError through when the service refuses the write', async () => {
    const { stores } = isolatedStores();
    const tooLongKey = 'k'.repeat(2_000);
    await expect(
      stores.transactions.recordTransaction(failedRecord({ transactionId: tooLongKey })),
    ).rejects.toMatchObject({ name: 'RestError' });
  });
});

describe('pending replays', () => {
  it('lists the pending entries only, in one page, out of 2,000 transactions', async () => {
    const { stores, raw } = isolatedStores();
    // 50 pending and 100 failed without a next attempt go through the store; 1,850 successes are
    // written straight to the Transactions table, which is where a scan would find them.
    const recorded = Array.from({ length: 150 }, (_, i) =>
      failedRecord({
        transactionId: `tx-${i}`,
        ...(i < 50 ? { waitingOnResources: ['R-7'] } : { nextAttemptAt: undefined }),
      }),
    );
    const successes = Array.from({ length: 1_850 }, (_, i) =>
      transactionRow(
        failedRecord({
          transactionId: `tx-ok-${i}`,
          status: 'Success',
          code: undefined,
          nextAttemptAt: undefined,
          resources: [],
        }),
      ),
    );
    await inParallel(recorded, 16, (record) => stores.transactions.recordTransaction(record));
    const transactions = raw('Transactions');
    await inParallel(successes, 32, (row) => transactions.upsertEntity(row, 'Replace'));
    expect(await entityCount(raw('Transactions'))).toBe(2_000);

    const before = { operations: stores.operationCount(), entities: stores.entityReads() };
    const pending = await stores.transactions.listPending();
    expect(pending).toHaveLength(50);
    expect(stores.operationCount() - before.operations).toBe(1);
    expect(stores.entityReads() - before.entities).toBe(50);
    expect(pending[0]).toMatchObject({
      appointmentId: 'A-1',
      code: 'DSEX040',
      attempts: 1,
      waitingOnResources: ['R-7'],
      etag: expect.any(String),
    });
    expect(pending[0]?.nextAttemptAt).toBeInstanceOf(Date);
  }, 60_000); // seeding makes ~2,300 requests: seconds on an idle machine, more on a busy one

  it("lists one appointment's pending entries as a range, never a neighbour's", async () => {
    const { stores } = isolatedStores();
    const ids = ['A-1', 'A-1|x', 'A-10', 'A-1 ', "O'Brien/1", 'A-'];
    for (const [i, appointmentId] of ids.entries()) {
      await stores.transactions.recordTransaction(failedRecord({ transactionId: `tx-${i}`, appointmentId }));
    }
    await stores.transactions.recordTransaction(
      failedRecord({ transactionId: 'tx-9', appointmentId: 'A-1' }),
    );
    const before = stores.operationCount();
    const ofA1 = await stores.transactions.listPending('A-1');
    expect(stores.operationCount() - before).toBe(1);
    expect(ofA1.map((e) => e.transactionId).sort()).toEqual(['tx-0', 'tx-9']);
    expect((await stores.transactions.listPending("O'Brien/1")).map((e) => e.transactionId)).toEqual([
      'tx-4',
    ]);
    expect(await stores.transactions.listPending('B-1')).toEqual([]);
    expect(await stores.transactions.listPending()).toHaveLength(7);
  });

  it('claims an entry once per ETag, and not once it is gone', async () => {
    const { stores } = isolatedStores();
    const record = failedRecord({ transactionId: NASTY_ID });
    await stores.transactions.recordTransaction(record);
    const [entry] = await stores.transactions.listPending();
    if (!entry) throw new Error('the pending entry is missing');
    const next = new Date(Date.now() + 600_000);

    expect(await stores.transactions.claimPending(entry, next)).toBe(true);
    expect(await stores.transactions.claimPending(entry, next)).toBe(false);
    const [claimed] = await stores.transactions.listPending();
    expect(claimed).toMatchObject({ transactionId: NASTY_ID, attempts: 2, nextAttemptAt: next });

    await stores.transactions.recordTransaction(
      failedRecord({ ...record, status: 'Success', nextAttemptAt: undefined }),
    );
    expect(await stores.transactions.claimPending(entry, next)).toBe(false);
    expect(await stores.transactions.listPending()).toEqual([]);
  });
});

describe('failure index', () => {
  const now = Date.now();
  const codes = ['DSEX040', 'DSEX002', 'DSEX011'] as const;
  // Twelve failures over the last four days, three hours apart, and one success.
  const seeded = Array.from({ length: 12 }, (_, i) =>
    failedRecord({
      transactionId: `tx-${i}/#`,
      appointmentId: i % 4 === 0 ? "O'Brien/1" : `A-${i}`,
      status: i % 3 === 1 ? 'InvalidBackOfficeSettings' : 'Failed',
      code: codes[i % 3],
      createdAt: new Date(now - i * 8 * 3_600_000 - 60_000),
      lastAttemptAt: new Date(now - i * 8 * 3_600_000),
    }),
  );
  const newestFirst = (records: readonly TransactionRecord[]) =>
    [...records].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map((r) => r.transactionId);
  let stores: TableStores;

  beforeAll(async () => {
    stores = isolatedStores().stores;
    await Promise.all(seeded.map((record) => stores.transactions.recordTransaction(record)));
    await stores.transactions.recordTransaction(
      failedRecord({ transactionId: 'tx-ok', status: 'Success', code: undefined, nextAttemptAt: undefined }),
    );
  });

  async function allPages(query: Omit<Parameters<TableStores['failures']['listFailures']>[0], 'pageSize'>) {
    const pages: string[][] = [];
    let continuationToken: string | undefined;
    do {
      const page = await stores.failures.listFailures({
        ...query,
        pageSize: 5,
        ...(continuationToken ? { continuationToken } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(5);
      pages.push(page.items.map((item) => item.transactionId));
      continuationToken = page.continuationToken;
    } while (continuationToken && pages.length < 20);
    return pages;
  }

  it('pages newest first across day partitions', async () => {
    const since = new Date(now - 5 * DAY_MS);
    const pages = await allPages({ since });
    expect(pages.slice(0, 2).map((page) => page.length)).toEqual([5, 5]);
    expect(pages.flat()).toEqual(newestFirst(seeded));

    const [first] = (await stores.failures.listFailures({ since, pageSize: 1 })).items;
    expect(first).toMatchObject({
      transactionId: 'tx-0/#',
      appointmentId: "O'Brien/1",
      operation: 'upsert',
      status: 'Failed',
      code: 'DSEX040',
      attempts: 1,
      needsManualAction: false,
      resources: [{ name: 'Room 4', mailbox: 'room4@contoso.com' }],
    });
    expect(first?.createdAt).toEqual(seeded[0]?.createdAt);
    expect(first?.nextAttemptAt).toEqual(seeded[0]?.nextAttemptAt);
  });

  it('stops at `since` inside the oldest day', async () => {
    const since = seeded[6]?.createdAt ?? new Date(now);
    expect((await allPages({ since })).flat()).toEqual(newestFirst(seeded.slice(0, 7)));
  });

  it('filters by code, status and appointment, escaping quotes', async () => {
    const since = new Date(now - 5 * DAY_MS);
    const byCode = await allPages({ since, code: 'DSEX002' });
    expect(byCode.flat()).toEqual(newestFirst(seeded.filter((r) => r.code === 'DSEX002')));
    const byStatus = await allPages({ since, status: 'InvalidBackOfficeSettings' });
    expect(byStatus.flat()).toEqual(
      newestFirst(seeded.filter((r) => r.status === 'InvalidBackOfficeSettings')),
    );
    const byAppointment = await allPages({ since, appointmentId: "O'Brien/1", code: 'DSEX040' });
    expect(byAppointment.flat()).toEqual(
      newestFirst(seeded.filter((r) => r.appointmentId === "O'Brien/1" && r.code === 'DSEX040')),
    );
    expect((await allPages({ since, code: "DSEX040' or Code ne '" })).flat()).toEqual([]);
  });

  it('rejects a continuation token it did not issue', async () => {
    await expect(
      stores.failures.listFailures({
        since: new Date(now - DAY_MS),
        pageSize: 5,
        continuationToken: 'bogus',
      }),
    ).rejects.toThrow('continuationToken');
  });

  it('counts failures by code within the window, reading the window only', async () => {
    const before = stores.operationCount();
    expect(await stores.failures.countFailuresByCode(new Date(now - 5 * DAY_MS))).toEqual({
      DSEX040: 4,
      DSEX002: 4,
      DSEX011: 4,
    });
    // One page per day partition: today and the five days before.
    expect(stores.operationCount() - before).toBe(6);
    const lastDay = seeded[3]?.createdAt ?? new Date(now);
    expect(await stores.failures.countFailuresByCode(lastDay)).toEqual({
      DSEX040: 2,
      DSEX002: 1,
      DSEX011: 1,
    });
  });

  it('shares one count between page loads within a minute, so a load costs its page size', async () => {
    let clock = now;
    const { stores: clocked } = isolatedStores(() => clock);
    await Promise.all(seeded.map((record) => clocked.transactions.recordTransaction(record)));
    const index = clocked.failures;
    const stores = clocked;
    const since = new Date(now - 5 * DAY_MS);
    const first = await index.countFailuresByCode(since);
    const before = stores.operationCount();
    clock += COUNTS_MAX_AGE_MS - 1;
    expect(await index.countFailuresByCode(new Date(since.getTime() + 1))).toEqual(first);
    expect(stores.operationCount() - before).toBe(0);
    clock += 1;
    expect(await index.countFailuresByCode(since)).toEqual(first);
    expect(stores.operationCount() - before).toBe(6);
  });
});
