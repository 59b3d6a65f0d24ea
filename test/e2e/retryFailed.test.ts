import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { operationalLog } from '../../shared/connector';
import type { RetryPassReport } from '../../shared/domain/retryPass';
import { resourceChange, upsert } from '../support/changes';
import { useE2eSuite } from '../support/e2eSuite';
import { QUEUE } from '../support/harness';
import { counted } from '../support/retryReports';

/** Stand-ins per test: a pass reads the whole Pending index, so each test's reports count only its own rows. */
const suite = useE2eSuite({}, 'test');
const { mailbox, appointmentId } = suite;
const HOUR = 3_600_000;

/** One retry pass at `offsetMs` from now (the backoff makes a fresh failure due after 5 minutes). */
function pass(offsetMs = HOUR): Promise<RetryPassReport> {
  const log = operationalLog(
    {
      log: (line) => suite.harness.logs.push(String(line)),
      error: (line) => suite.harness.logs.push(String(line)),
    },
    () => [],
  );
  return suite.harness
    .connector()
    .retryPass(log, { now: () => new Date(Date.now() + offsetMs) })
    .run();
}

/** Sends a change and waits until its failure is recorded (row and Pending index) and its message completed. */
async function failing(change: { changeId: string }, code: string) {
  await suite.harness.send(change);
  const row = await suite.harness.waitForTransaction(change.changeId, (r) => r.code === code);
  await suite.harness.settled();
  return row;
}

describe('retryFailed', () => {
  it('replays a transient failure once it is due, and it heals', async () => {
    const room = mailbox('room');
    suite.sandbox.mailboxFails(room, 'serverError');
    const change = upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]);
    await failing(change, 'DSEX040');
    expect(await pass(0)).toEqual(counted({ pending: 1, notDue: 1 }));
    suite.sandbox.reset();
    expect(await pass()).toEqual(counted({ pending: 1, replayed: 1, appointments: 1 }));
    const row = await suite.harness.waitForTransaction(change.changeId, (r) => r.status === 'Success');
    expect(row.attempts).toBe(2);
    expect(suite.sandbox.events(room)).toHaveLength(1);
  });

  it('holds credential failures while the probe fails, then replays them all with one token request', async () => {
    suite.harness.setSetting('EXCHANGE_CLIENT_SECRET', suite.sandbox.expiredSecret());
    const changes = [1, 2, 3].map(() =>
      upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }]),
    );
    for (const change of changes) await failing(change, 'DSEX001');

    const tokensBefore = suite.sandbox.tokenRequests();
    expect(await pass()).toEqual(
      counted({ pending: 3, heldByProbe: 3, probes: { 'token probe': 'failed' } }),
    );
    expect(suite.sandbox.tokenRequests() - tokensBefore).toBe(1);

    suite.harness.setSetting('EXCHANGE_CLIENT_SECRET', suite.sandbox.freshSecret());
    const fixedBefore = suite.sandbox.tokenRequests();
    expect(await pass(0)).toEqual(
      counted({ pending: 3, replayed: 3, appointments: 3, probes: { 'token probe': 'passed' } }),
    );
    for (const change of changes) {
      await suite.harness.waitForTransaction(change.changeId, (r) => r.status === 'Success');
    }
    expect(suite.sandbox.tokenRequests() - fixedBefore).toBe(1);
  });

  it('replays an invalid-user row when a newer state of its resource arrives', async () => {
    const wrong = mailbox('typo');
    const right = mailbox('room');
    suite.sandbox.mailboxFails(wrong, 'invalidUser');
    const change = upsert(appointmentId(), 1, [{ id: `R-${randomUUID()}`, mailbox: wrong }]);
    const resourceId = change.appointment.resources[0]?.id ?? '';
    await failing(change, 'DSEX012');
    expect(await pass()).toEqual(counted({ pending: 1, waitingOnResource: 1 }));
    const fix = resourceChange({ id: resourceId, mailbox: right }, new Date(Date.now() + 1000).toISOString());
    await suite.harness.send(fix);
    await suite.harness.waitForTransaction(`resource:${resourceId}:${fix.changedAt}`);
    expect(await pass()).toEqual(counted({ pending: 1, replayed: 1, appointments: 1 }));
    const row = await suite.harness.waitForTransaction(change.changeId, (r) => r.status === 'Success');
    expect(row.resources[0]?.mailbox).toBe(right);
    expect(suite.sandbox.events(right)).toHaveLength(1);
  });

  it('replays several failed changes of one appointment once, with the newest snapshot', async () => {
    const room = mailbox('room');
    const id = appointmentId();
    suite.sandbox.mailboxFails(room, 'serverError');
    const first = upsert(id, 1, [{ id: 'R-1', mailbox: room }], { subject: 'First' });
    const second = upsert(id, 2, [{ id: 'R-1', mailbox: room }], { subject: 'Second' });
    await failing(first, 'DSEX040');
    await failing(second, 'DSEX040');
    suite.sandbox.reset();
    const sentBefore = suite.harness.serviceBus.stats(QUEUE).sentTotal;
    expect(await pass()).toEqual(counted({ pending: 2, replayed: 2, appointments: 1 }));
    expect(suite.harness.serviceBus.stats(QUEUE).sentTotal - sentBefore).toBe(1);
    await suite.harness.waitForTransaction(first.changeId, (r) => r.status === 'Success');
    await suite.harness.waitForTransaction(second.changeId, (r) => r.status === 'Success');
    expect(suite.sandbox.events(room).map((e) => e.subject)).toEqual(['Second']);
  });

  it('a later success supersedes the older failure at once, so the pass has nothing to replay', async () => {
    const room = mailbox('room');
    const id = appointmentId();
    suite.sandbox.mailboxFails(room, 'serverError');
    const old = upsert(id, 1, [{ id: 'R-1', mailbox: room }]);
    await failing(old, 'DSEX040');
    suite.sandbox.reset();
    const newer = upsert(id, 2, [{ id: 'R-1', mailbox: room }]);
    await suite.harness.send(newer);
    await suite.harness.waitForTransaction(newer.changeId, (r) => r.status === 'Success');
    // The newer change's handler resolves the older row once its own is recorded: wait for it to end,
    // so the pass does not race it for the Pending entry.
    await suite.harness.settled();
    const row = await suite.harness.waitForTransaction(old.changeId, (r) => r.code === 'DSEX022');
    expect([row.status, row.nextAttemptAt, row.attempts]).toEqual(['Skipped', undefined, 1]);
    const requestsBefore = suite.sandbox.requestsTo(room);
    expect(await pass()).toEqual(counted({ pending: 0 }));
    expect(suite.sandbox.requestsTo(room)).toBe(requestsBefore);
  });

  it('two overlapping passes replay each row once', async () => {
    const rooms = [mailbox('a'), mailbox('b'), mailbox('c')];
    for (const room of rooms) suite.sandbox.mailboxFails(room, 'serverError');
    const changes = rooms.map((room) => upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]));
    for (const change of changes) await failing(change, 'DSEX040');
    suite.sandbox.reset();
    const sentBefore = suite.harness.serviceBus.stats(QUEUE).sentTotal;
    const [a, b] = await Promise.all([pass(), pass()]);
    expect((a?.replayed ?? 0) + (b?.replayed ?? 0)).toBe(changes.length);
    expect(suite.harness.serviceBus.stats(QUEUE).sentTotal - sentBefore).toBe(changes.length);
    for (const change of changes) {
      const row = await suite.harness.waitForTransaction(change.changeId, (r) => r.status === 'Success');
      expect(row.attempts).toBe(2);
    }
    for (const room of rooms) expect(suite.sandbox.events(room)).toHaveLength(1);
  });

  it('a pass that cannot send fails cleanly; the next pass sends each row once', async () => {
    const room = mailbox('room');
    suite.sandbox.mailboxFails(room, 'serverError');
    const change = upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]);
    await failing(change, 'DSEX040');
    suite.sandbox.reset();
    suite.harness.serviceBus.failSends('amqp:internal-error');
    await expect(pass()).rejects.toThrow();
    suite.harness.serviceBus.failSends(undefined);
    expect(await pass()).toEqual(counted({ pending: 1, replayed: 1, appointments: 1 }));
    const row = await suite.harness.waitForTransaction(change.changeId, (r) => r.status === 'Success');
    expect(row.attempts).toBe(2);
  }, 60_000);

  it('a pass that cannot read Table Storage fails cleanly; the next one finishes', async () => {
    const room = mailbox('room');
    suite.sandbox.mailboxFails(room, 'serverError');
    const change = upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]);
    await failing(change, 'DSEX040');
    suite.sandbox.reset();
    suite.harness.tableProxy.down();
    await expect(pass()).rejects.toThrow();
    suite.harness.tableProxy.up();
    expect(await pass()).toEqual(counted({ pending: 1, replayed: 1, appointments: 1 }));
    expect(
      (await suite.harness.waitForTransaction(change.changeId, (r) => r.status === 'Success')).attempts,
    ).toBe(2);
  });

  it('ages out a row that leaves the window unresolved: needs manual action, no longer replayed', async () => {
    const room = mailbox('room');
    suite.sandbox.mailboxFails(room, 'serverError');
    const change = upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]);
    const failed = await failing(change, 'DSEX040');
    expect(await pass(15 * 24 * HOUR)).toEqual(counted({ pending: 1, agedOut: 1 }));
    const row = await suite.harness.waitForTransaction(change.changeId, (r) => r.needsManualAction === true);
    expect(row.nextAttemptAt).toBeUndefined();
    expect(row.attempts).toBe(failed.attempts);
    const pending = await suite.harness.connector().stores.transactions.listPending();
    expect(pending.some((p) => p.transactionId === row.transactionId)).toBe(false);
  });

  it('manual replay is idempotent: two clicks, one message', async () => {
    const room = mailbox('room');
    suite.sandbox.mailboxFails(room, 'accessDenied');
    const change = upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]);
    const failed = await failing(change, 'DSEX030');
    suite.sandbox.reset();
    const log = operationalLog({ log: () => {}, error: () => {} }, () => []);
    const retry = suite.harness.connector().retryPass(log);
    const before = suite.harness.serviceBus.stats(QUEUE).duplicatesDropped;
    const [first, second] = [
      await retry.replayNow(failed.transactionId),
      await retry.replayNow(failed.transactionId),
    ];
    expect(first.messageId).toBe(second.messageId);
    expect(suite.harness.serviceBus.stats(QUEUE).duplicatesDropped - before).toBe(1);
    const row = await suite.harness.waitForTransaction(change.changeId, (r) => r.status === 'Success');
    // A manual replay is no attempt of the connector's: it never pushes the automatic backoff.
    expect(row.attempts).toBe(1);
  });
});
