import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableStores, type TableStores } from '../../shared/adapters/tables';
import { failureEntry } from '../../shared/adapters/tables/failureEntry';
import { transactionRow } from '../../shared/adapters/tables/transactionRow';
import { DiagnosedFailure } from '../../shared/domain/failures';
import { MAX_RESOURCES_PER_APPOINTMENT, ROW_BUDGET } from '../../shared/domain/storageLimits';
import { failedWith, type SyncResult } from '../../shared/domain/syncResult';
import type { ResourceOutcome, TransactionRecord } from '../../shared/domain/transaction';
import { TransactionRecorder } from '../../shared/domain/transactionRecorder';
import { type RunningAzurite, startAzurite } from '../../stand-ins/azurite';
import { CapturingLog } from '../support/inMemory/queueAndLog';
import { ENTITY_LIMITS, entitySize } from '../support/tableEntitySize';

let azurite: RunningAzurite;
let stores: TableStores;
let recorder: TransactionRecorder;
let rows = 0;

beforeAll(async () => {
  azurite = await startAzurite();
  stores = createTableStores(
    { kind: 'connectionString', connectionString: azurite.connectionString },
    { tablePrefix: `budget${Date.now().toString(36)}` },
  );
  recorder = new TransactionRecorder({
    transactions: stores.transactions,
    appointments: stores.appointments,
    log: new CapturingLog(() => []),
    secrets: () => [],
    now: () => new Date(),
  });
});

afterAll(async () => {
  await azurite?.stop();
});

/**
 * The longest outcome validation lets through, failing with a long message, in characters JSON
 * escapes. ASCII only: Azurite 3.35 decodes each TCP chunk of a request on its own, so a multi-byte
 * character split across chunks comes back as two U+FFFD (the service itself does not do this).
 */
function longOutcome(i: number, messageChars: number): ResourceOutcome {
  return {
    resourceId: `R-${i}-${'/'.repeat(190)}`,
    name: '"'.repeat(255),
    mailbox: `${'m'.repeat(64)}@${'d'.repeat(240)}.com`,
    action: 'create',
    status: 'Failed',
    code: 'DSEX040',
    message: `Transient error from Microsoft Graph: ${'\\'.repeat(messageChars)}`,
    eventId: 'AAMk'.repeat(40),
  };
}

function base(overrides: Partial<{ rawBody: string }> = {}) {
  rows++;
  return {
    transactionId: `tx-budget-${rows}`,
    changeId: `change-${rows}`,
    appointmentId: `A-${rows}`,
    operation: 'upsert' as const,
    version: 1,
    ...overrides,
  };
}

async function recordAndRead(result: SyncResult, overrides: Partial<{ rawBody: string }> = {}) {
  const written = await recorder.record(base(overrides), undefined, result, Date.now());
  const read = await stores.transactions.getTransaction(written.transactionId);
  if (!read) throw new Error('row not read back');
  return { written, read };
}

function expectWithinEntityLimits(record: TransactionRecord): void {
  for (const entity of [transactionRow(record), failureEntry(record)]) {
    const size = entitySize(entity);
    expect(size.bytes).toBeLessThanOrEqual(ENTITY_LIMITS.bytes);
    expect(size.properties).toBeLessThanOrEqual(ENTITY_LIMITS.properties);
    expect(size.longestString).toBeLessThanOrEqual(ENTITY_LIMITS.stringChars);
  }
}

describe('row budget: every row fits Table Storage, through Azurite', () => {
  it(`${MAX_RESOURCES_PER_APPOINTMENT} outcomes with 10,000-character messages: written, messages cut with a marker, code and status kept`, async () => {
    const outcomes = Array.from({ length: MAX_RESOURCES_PER_APPOINTMENT }, (_, i) => longOutcome(i, 10_000));
    const { written, read } = await recordAndRead({ resources: outcomes, retryAfterMs: 0 });
    expect(read.resources).toEqual(written.resources);
    expect([read.status, read.code]).toEqual(['Failed', 'DSEX040']);
    expect(read.message.startsWith('[DSEX040] Transient error from Microsoft Graph: ')).toBe(true);
    expect(read.message.length).toBeLessThanOrEqual(ROW_BUDGET.message);
    expect(read.message).toMatch(/… \d+ more characters not shown$/);
    expect(read.resources.length).toBeGreaterThan(0);
    for (const outcome of read.resources.filter((r) => r.resourceId !== '')) {
      expect(outcome.message.length).toBeLessThanOrEqual(ROW_BUDGET.outcomeMessage);
      expect(outcome.message).toMatch(
        /^Transient error from Microsoft Graph: \\+… \d+ more characters not shown$/,
      );
      expect(outcome.code).toBe('DSEX040');
    }
    expectWithinEntityLimits(written);
  });

  it('500 outcomes (an old row, or a replay) keep what fits and say how many are not shown', async () => {
    const outcomes = Array.from({ length: 500 }, (_, i) => longOutcome(i, 900));
    const { written, read } = await recordAndRead({ resources: outcomes, retryAfterMs: 0 });
    const marker = read.resources[read.resources.length - 1];
    const shown = read.resources.length - 1;
    expect(shown).toBeGreaterThan(10);
    expect(marker).toMatchObject({
      resourceId: '',
      action: 'none',
      status: 'Failed',
      name: `… ${500 - shown} more resource outcomes not shown`,
    });
    expect(JSON.stringify(read.resources).length).toBeLessThanOrEqual(ROW_BUDGET.resourceOutcomes);
    expectWithinEntityLimits(written);
  });

  it('failed outcomes are kept before successful ones when not all fit', async () => {
    const successes = Array.from({ length: 400 }, (_, i) => ({
      ...longOutcome(i, 900),
      status: 'Success' as const,
      code: undefined,
    }));
    const failure = { ...longOutcome(999, 10), resourceId: 'R-the-failed-one' };
    const { read } = await recordAndRead({
      resources: [...successes.map(({ code: _c, ...r }) => r), failure],
      retryAfterMs: 0,
    });
    expect(read.resources.some((r) => r.resourceId === 'R-the-failed-one')).toBe(true);
  });

  it('a 250 KB raw body is cut to the budget with a marker', async () => {
    const rawBody = `{"x":"${'u'.repeat(250_000)}"}`;
    const { read } = await recordAndRead(
      failedWith(new DiagnosedFailure('DSEX050', 'Invalid change message: x.')),
      { rawBody },
    );
    expect(read.code).toBe('DSEX050');
    expect(read.rawBody?.length).toBeLessThanOrEqual(ROW_BUDGET.rawBody);
    expect(read.rawBody).toMatch(/^\{"x":"u+… \d+ more characters not shown$/);
  });
});
