import { describe, expect, it } from 'vitest';
import { transactionIdFor } from '../../shared/domain/ids';
import type { ReplayRequest } from '../../shared/domain/replayMessage';
import type { TransactionRecord } from '../../shared/domain/transaction';
import { remove } from '../support/changes';
import { appointment, core, MINUTE, outcome, room, START } from '../support/coreScenario';
import { graphAnswers } from '../support/inMemoryPorts';

const R1 = room('R1');
const TX1 = transactionIdFor('A-1-v1');
const TX2 = transactionIdFor('A-1-v2');

function replay(...transactionIds: string[]): ReplayRequest {
  return { kind: 'replay', appointmentId: 'A-1', transactionIds, reason: 'retry pass' };
}

/** A failed row of appointment A-1 whose stored state is missing (lost, or never written). */
function orphanRow(): TransactionRecord {
  return {
    transactionId: 'tx-orphan',
    changeId: 'orphan',
    appointmentId: 'A-1',
    operation: 'upsert',
    status: 'Failed',
    code: 'DSEX040',
    message: '[DSEX040] Transient error from Microsoft Graph.',
    attempts: 1,
    createdAt: START,
    lastAttemptAt: START,
    resources: [],
    nextAttemptAt: START,
  };
}

describe('ChangeProcessor: replays', () => {
  it('replays failed rows with the newest state: one sync, its outcome recorded on each row', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable);
    await c.processor.process(appointment('A-1', 1, [R1]));
    await c.processor.process(appointment('A-1', 2, [R1]));
    c.exchange.heal(R1.mailbox);
    c.clock.advance(5 * MINUTE);
    const last = await c.replayClaimed(replay(TX1, TX2));

    for (const id of [TX1, TX2]) {
      expect(outcome(await c.transactions.getTransaction(id))).toEqual({
        status: 'Success',
        code: null,
        attempts: 2,
        nextAttemptAt: null,
      });
    }
    expect(last?.transactionId).toBe(TX2);
    expect(c.exchange.events(R1.mailbox).map((e) => e.payload.subject)).toEqual(['Appointment A-1 v2']);
    expect(c.exchange.calls.filter((call) => call.action === 'create')).toHaveLength(3);
    expect(await c.transactions.listPending()).toEqual([]);
    expect(c.transactions.failureEntries()).toEqual([]);
  });

  it('replays a deleted appointment as a delete', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable, { action: 'delete', times: 1 });
    const failed = await c.processor.process(remove('A-1', 2, 'A-1-v2'));
    expect(outcome(failed)?.code).toBe('DSEX040');
    const row = await c.replayClaimed(replay(TX2));
    expect(outcome(row)).toEqual({ status: 'Success', code: null, attempts: 2, nextAttemptAt: null });
    expect(row?.operation).toBe('delete');
    expect(c.exchange.events(R1.mailbox)).toEqual([]);
  });

  it('marks a row superseded (DSEX022) when a newer change synced while its replay was queued', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable, { times: 1 });
    await c.processor.process(appointment('A-1', 1, [R1]));
    const [entry] = await c.transactions.listPending('A-1');
    if (!entry) throw new Error('no pending entry');
    await c.transactions.claimPending(entry, entry.nextAttemptAt, entry.attempts + 1, 'replay:in-flight');
    await c.processor.process(appointment('A-1', 2, [R1]));
    expect((await c.transactions.getTransaction(TX1))?.status).toBe('Failed');
    const calls = c.exchange.calls.length;
    const row = await c.processor.process(replay(TX1), { messageId: 'replay:in-flight' });

    expect(outcome(row)).toEqual({ status: 'Skipped', code: 'DSEX022', attempts: 2, nextAttemptAt: null });
    expect(row?.message).toBe(
      `[DSEX022] Superseded: transaction ${TX2} already synced version 2 of appointment A-1.`,
    );
    expect(c.exchange.calls).toHaveLength(calls);
    expect(await c.transactions.listPending()).toEqual([]);
  });

  it('refuses a replay listing rows that succeeded or do not exist (DSEX051) and changes nothing', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    const before = await c.transactions.getTransaction(TX1);
    const result = await c.replayClaimed(replay(TX1, 'tx-never-written'));
    expect(result?.code).toBe('DSEX051');
    expect(result?.message).toContain('2 of the 2 transactions it lists');
    expect(await c.transactions.getTransaction(TX1)).toEqual(before);
    expect(await c.transactions.getTransaction('tx-never-written')).toBeUndefined();
  });

  it('records DSUNK001 when the appointment has no stored state', async () => {
    const c = core();
    await c.transactions.recordTransaction(orphanRow(), null);
    const row = await c.replayClaimed(replay('tx-orphan'));
    expect(outcome(row)).toEqual({
      status: 'Failed',
      code: 'DSUNK001',
      attempts: 2,
      nextAttemptAt: new Date(START.getTime() + 10 * MINUTE).toISOString(),
    });
    expect(row?.message).toBe(
      '[DSUNK001] Unexpected exception: no stored state for appointment A-1. The stack trace is in the operational log.',
    );
  });

  // Defect (issue 12): the "no stored state" DSUNK001 says its stack trace is logged, but nothing is.
  it('logs the DSUNK001 of a replay with no stored state, as its message promises', async () => {
    const c = core();
    await c.transactions.recordTransaction(orphanRow(), null);
    await c.replayClaimed(replay('tx-orphan'));
    expect(c.log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  // Defect (issue 12): a successful sync of the newest state must resolve older open rows (DSEX022).
  it('a later change that syncs resolves the older failed row of the appointment as superseded', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable, { times: 1 });
    await c.processor.process(appointment('A-1', 1, [R1]));
    await c.processor.process(appointment('A-1', 2, [R1]));
    const older = await c.transactions.getTransaction(TX1);
    expect([older?.status, older?.code]).toEqual(['Skipped', 'DSEX022']);
    expect((await c.transactions.listPending()).map((e) => e.transactionId)).toEqual([]);
  });
});
