import { describe, expect, it } from 'vitest';
import { replayMessageId, transactionIdFor } from '../../shared/domain/ids';
import { ReplayNotPossibleError } from '../../shared/domain/manualReplay';
import type { TransactionStore } from '../../shared/domain/ports';
import { RetryPass } from '../../shared/domain/retryPass';
import { remove } from '../support/changes';
import { appointment, type Core, core, MINUTE, room, START } from '../support/coreScenario';
import { graphAnswers } from '../support/inMemoryPorts';

const R1 = room('R1');
const R2 = room('R2');
const TX1 = transactionIdFor('A-1-v1');
const TX2 = transactionIdFor('A-1-v2');

/** A-1 v1 and v2 and B-1 v1, all failing transiently, all due for replay. */
async function threeDueRows(): Promise<Core> {
  const c = core();
  c.exchange.fail(R1.mailbox, graphAnswers.unavailable);
  c.exchange.fail(R2.mailbox, graphAnswers.unavailable);
  await c.processor.process(appointment('A-1', 1, [R1]));
  await c.processor.process(appointment('A-1', 2, [R1]));
  await c.processor.process(appointment('B-1', 1, [R2]));
  c.clock.advance(5 * MINUTE);
  return c;
}

describe('RetryPass: replays', () => {
  it('sends one replay per appointment, with every row of it and an id from its first row', async () => {
    const c = await threeDueRows();
    expect(await c.retryPass.run()).toMatchObject({ pending: 3, replayed: 3, appointments: 2 });
    const [first] = [TX1, TX2].sort();
    const a1 = c.sender.accepted.find((m) => m.body.appointmentId === 'A-1');
    expect(a1?.messageId).toBe(replayMessageId(first ?? '', 1));
    expect([...(a1?.body.transactionIds ?? [])].sort()).toEqual([TX1, TX2].sort());
    expect(c.sender.accepted.find((m) => m.body.appointmentId === 'B-1')?.body.transactionIds).toEqual([
      transactionIdFor('B-1-v1'),
    ]);

    c.exchange.heal(R1.mailbox);
    c.exchange.heal(R2.mailbox);
    await c.deliverReplays();
    for (const id of [TX1, TX2]) expect((await c.transactions.getTransaction(id))?.status).toBe('Success');
    expect(c.exchange.events(R1.mailbox).map((e) => e.payload.subject)).toEqual(['Appointment A-1 v2']);
  });

  it('a pass that read Pending before another claimed it loses every claim and sends nothing', async () => {
    const c = await threeDueRows();
    const snapshot = await c.transactions.listPending();
    await c.retryPass.run();
    const staleReader: TransactionStore = {
      getTransaction: (id) => c.transactions.getTransaction(id),
      recordTransaction: (record, previous) => c.transactions.recordTransaction(record, previous),
      listPending: async () => snapshot,
      claimPending: (entry, at) => c.transactions.claimPending(entry, at),
    };
    const late = new RetryPass({ ...c.retryPassDependencies, transactions: staleReader });
    expect(await late.run()).toMatchObject({ pending: 3, replayed: 0, appointments: 0, lostClaims: 3 });
    expect(c.sender.accepted).toHaveLength(2);
  });

  it('two passes at once replay each row once between them', async () => {
    const c = await threeDueRows();
    const other = new RetryPass(c.retryPassDependencies);
    const reports = await Promise.all([c.retryPass.run(), other.run()]);
    expect(reports.reduce((sum, r) => sum + r.replayed, 0)).toBe(3);
    expect(c.sender.accepted.map((m) => m.body.appointmentId).sort()).toEqual(['A-1', 'B-1']);
    expect(c.sender.dropped).toEqual([]);
  });

  it('a failed send releases its claims, so the next pass replays at once', async () => {
    const c = await threeDueRows();
    c.sender.failNext(new Error('amqp:connection:forced'));
    await expect(c.retryPass.run()).rejects.toThrow('amqp:connection:forced');
    expect(c.sender.accepted).toEqual([]);
    const now = new Date(START.getTime() + 5 * MINUTE);
    expect((await c.transactions.listPending()).map((e) => e.nextAttemptAt)).toEqual([now, now, now]);
    expect(await c.retryPass.run()).toMatchObject({ replayed: 3, appointments: 2 });
  });

  // Defect found here: releasing a claim is itself a claim, so the Pending entry counts two attempts
  // that never ran (1 → 3) and the next claim backs off as for a 4th attempt (40 instead of 10 minutes).
  it('a released claim does not count as an attempt', async () => {
    const c = await threeDueRows();
    c.sender.failNext(new Error('amqp:connection:forced'));
    await c.retryPass.run().catch(() => undefined);
    expect((await c.transactions.listPending()).map((e) => e.attempts)).toEqual([1, 1, 1]);
  });
});

describe('RetryPass: replayNow', () => {
  it('answers the same message id while the manual replay is queued, and a new one after it ran', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable);
    await c.processor.process(appointment('A-1', 1, [R1]));
    c.clock.advance(MINUTE);
    const first = await c.retryPass.replayNow(TX1);
    expect(first).toEqual({
      messageId: `${replayMessageId(TX1, 1)}:manual:${START.getTime()}`,
      request: { kind: 'replay', appointmentId: 'A-1', transactionIds: [TX1], reason: 'manual' },
    });
    expect((await c.retryPass.replayNow(TX1)).messageId).toBe(first.messageId);
    expect([c.sender.accepted.length, c.sender.dropped.length]).toEqual([1, 1]);

    const [row] = await c.deliverReplays();
    expect([row?.status, row?.attempts]).toEqual(['Failed', 1]);
    c.clock.advance(MINUTE);
    const next = await c.retryPass.replayNow(TX1);
    expect(next.messageId).toBe(`${replayMessageId(TX1, 1)}:manual:${START.getTime() + MINUTE}`);
    expect(c.sender.accepted).toHaveLength(1);
  });

  // Defect (issue 12): a manual replay of the newest row syncs the appointment but leaves its older
  // sibling Failed until that row's own backoff runs out; it should be resolved as superseded (DSEX022).
  it('a manual replay of the newest row resolves its older sibling as superseded', async () => {
    const c = await threeDueRows();
    c.exchange.heal(R1.mailbox);
    c.clock.advance(MINUTE);
    await c.retryPass.replayNow(TX2);
    await c.deliverReplays();
    expect((await c.transactions.getTransaction(TX2))?.status).toBe('Success');
    const sibling = await c.transactions.getTransaction(TX1);
    expect([sibling?.status, sibling?.code]).toEqual(['Skipped', 'DSEX022']);
  });

  it('replays a row that aged out of the window (the manual action it asks for)', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable);
    await c.processor.process(appointment('A-1', 1, [R1]));
    c.clock.advance(15 * 86_400_000);
    await c.retryPass.run();
    c.exchange.heal(R1.mailbox);
    await c.retryPass.replayNow(TX1);
    const [row] = await c.deliverReplays();
    expect([row?.status, row?.needsManualAction]).toEqual(['Success', undefined]);
  });

  it('refuses rows that do not exist, succeeded, or have nothing to replay (n/a codes)', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    await c.processor.process(appointment('A-1', 0, [R1]));
    c.exchange.deleteInOutlook(R1.mailbox, c.exchange.events(R1.mailbox)[0]?.id ?? '');
    await c.processor.process(remove('A-1', 2, 'A-1-v2'));
    const invalid = await c.processor.process('not json', { messageId: 'm-1' });

    const refusal = (id: string) =>
      c.retryPass.replayNow(id).then(
        () => 'sent',
        (e: unknown) => e,
      );
    const refusals = await Promise.all(
      ['tx-never', TX1, transactionIdFor('A-1-v0'), TX2, invalid?.transactionId ?? ''].map(refusal),
    );
    for (const error of refusals) expect(error).toBeInstanceOf(ReplayNotPossibleError);
    expect(refusals.map((e) => (e as Error).message)).toEqual([
      'Transaction tx-never does not exist.',
      `Transaction ${TX1} already succeeded.`,
      `Transaction ${transactionIdFor('A-1-v0')} (DSEX022) cannot be replayed: Superseded change.`,
      `Transaction ${TX2} (DSEX021) cannot be replayed: Event already deleted.`,
      `Transaction ${invalid?.transactionId} (DSEX050) cannot be replayed: Invalid change message.`,
    ]);
    expect(c.sender.accepted).toEqual([]);
  });
});
