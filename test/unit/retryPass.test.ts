import { describe, expect, it } from 'vitest';
import { replayMessageId, transactionIdFor } from '../../shared/domain/ids';
import { resourceChange } from '../support/changes';
import { appointment, type Core, core, DAY, MINUTE, room, START } from '../support/coreScenario';
import { entraAnswers, type GraphAnswer, graphAnswers } from '../support/inMemoryPorts';
import { counted } from '../support/retryReports';

const R1 = room('R1');
const TX1 = transactionIdFor('A-1-v1');

const idle = counted();

/** A-1 v1 to R1, failing with `answer` on every call to R1 until healed. */
async function failing(answer: GraphAnswer): Promise<Core> {
  const c = core();
  c.exchange.fail(R1.mailbox, answer);
  await c.processor.process(appointment('A-1', 1, [R1]));
  return c;
}

describe('RetryPass: the credential expiry it reports', () => {
  it('logs the whole days left on the secret each pass, so an alert follows the setting as set now', async () => {
    const c = core();
    c.env.EXCHANGE_CLIENT_SECRET_EXPIRES_ON = new Date(START.getTime() + 14 * DAY + 1).toISOString();
    expect(await c.retryPass.run()).toEqual({ ...idle, credentialDaysLeft: 14 });
    c.env.EXCHANGE_CLIENT_SECRET_EXPIRES_ON = new Date(START.getTime() - 1).toISOString();
    expect((await c.retryPass.run()).credentialDaysLeft).toBe(-1);
    expect(
      c.log.lines.filter((l) => l.message === 'retry pass').map((l) => l.properties.credentialDaysLeft),
    ).toEqual([14, -1]);
  });

  it('reports nothing when the expiry is unset or malformed', async () => {
    const c = core();
    expect(await c.retryPass.run()).toEqual(idle);
    c.env.EXCHANGE_CLIENT_SECRET_EXPIRES_ON = 'soon';
    expect(await c.retryPass.run()).toEqual(idle);
  });
});

describe('RetryPass: window', () => {
  it('ages out a row unresolved for the whole window: needs manual action, no longer pending', async () => {
    const c = await failing(graphAnswers.unavailable);
    c.clock.advance(14 * DAY);
    expect(await c.retryPass.run()).toEqual({ ...idle, pending: 1, agedOut: 1 });

    const row = await c.transactions.getTransaction(TX1);
    expect([row?.status, row?.code, row?.needsManualAction, row?.nextAttemptAt]).toEqual([
      'Failed',
      'DSEX040',
      true,
      undefined,
    ]);
    expect(
      row?.message.endsWith(
        ' Needs manual action: unresolved after 14 days, no longer replayed automatically.',
      ),
    ).toBe(true);
    expect(await c.transactions.listPending()).toEqual([]);
    expect(c.transactions.failureEntries().map((e) => e.summary.needsManualAction)).toEqual([true]);
    expect(c.sender.accepted).toEqual([]);
    expect(await c.retryPass.run()).toEqual(idle);
  });

  it('still replays a row a minute before the window ends', async () => {
    const c = await failing(graphAnswers.unavailable);
    c.clock.advance(14 * DAY - MINUTE);
    expect(await c.retryPass.run()).toMatchObject({ pending: 1, agedOut: 0, replayed: 1 });
  });

  // Defect (issue 12): a "No resources were assigned" DSEX011 waits on no resource, so it ages out
  // as needs-manual-action even though a later change of the appointment synced.
  it('does not age out a DSEX011 "no resources" row once a later change of the appointment synced', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, []));
    await c.processor.process(appointment('A-1', 2, [R1]));
    c.clock.advance(14 * DAY);
    await c.retryPass.run();
    expect((await c.transactions.getTransaction(TX1))?.needsManualAction).not.toBe(true);
  });
});

describe('RetryPass: backoff', () => {
  it('leaves a row alone before its next attempt and replays it when due, moving the next attempt on', async () => {
    const c = await failing(graphAnswers.unavailable);
    c.clock.advance(4 * MINUTE);
    expect(await c.retryPass.run()).toEqual({ ...idle, pending: 1, notDue: 1 });
    expect(c.sender.accepted).toEqual([]);

    c.clock.advance(MINUTE);
    expect(await c.retryPass.run()).toEqual({ ...idle, pending: 1, replayed: 1, appointments: 1 });
    expect(c.sender.accepted).toEqual([
      {
        messageId: replayMessageId(TX1, 1),
        body: { kind: 'replay', appointmentId: 'A-1', transactionIds: [TX1], reason: 'retry pass' },
      },
    ]);
    const [claimed] = await c.transactions.listPending();
    expect([claimed?.attempts, claimed?.nextAttemptAt]).toEqual([2, new Date(START.getTime() + 15 * MINUTE)]);
    expect(await c.retryPass.run()).toEqual({ ...idle, pending: 1, notDue: 1 });

    c.exchange.heal(R1.mailbox);
    const [row] = await c.deliverReplays();
    expect([row?.status, row?.attempts]).toEqual(['Success', 2]);
    expect(await c.transactions.listPending()).toEqual([]);
    expect(c.exchange.events(R1.mailbox)).toHaveLength(1);
  });
});

describe('RetryPass: token probe', () => {
  async function threeAppointmentsWithExpiredSecret(): Promise<Core> {
    const c = core();
    c.tokens.answer(entraAnswers.expiredSecret('client'));
    for (const id of ['A-1', 'A-2', 'A-3']) await c.processor.process(appointment(id, 1, [room(`R-${id}`)]));
    return c;
  }

  it('asks Entra ID once per pass and holds every row while the credentials are still rejected', async () => {
    const c = await threeAppointmentsWithExpiredSecret();
    const before = c.tokens.calls.length;
    expect(await c.retryPass.run()).toEqual({
      ...idle,
      pending: 3,
      heldByProbe: 3,
      probes: { 'token probe': 'failed' },
    });
    expect(c.tokens.calls.length - before).toBe(1);
    expect(c.sender.accepted).toEqual([]);
    expect(c.log.lines.find((l) => l.message === 'retry probe failed')?.properties).toMatchObject({
      probe: 'token probe',
      code: 'DSEX001',
    });
  });

  it('replays every held row, one message per appointment, once the probe passes', async () => {
    const c = await threeAppointmentsWithExpiredSecret();
    c.tokens.answer('a-fresh-token');
    const before = c.tokens.calls.length;
    expect(await c.retryPass.run()).toEqual({
      ...idle,
      pending: 3,
      replayed: 3,
      appointments: 3,
      probes: { 'token probe': 'passed' },
    });
    expect(c.tokens.calls.length - before).toBe(1);
    expect(c.sender.accepted.map((m) => m.body.appointmentId).sort()).toEqual(['A-1', 'A-2', 'A-3']);
    const rows = await c.deliverReplays();
    expect(rows.map((r) => r?.status)).toEqual(['Success', 'Success', 'Success']);
    expect(await c.transactions.listPending()).toEqual([]);
  });

  it('holds settings problems without asking Entra ID, and replays them once the setting is fixed', async () => {
    const c = core();
    c.env.EXCHANGE_CLIENT_SECRET = undefined;
    await c.processor.process(appointment('A-1', 1, [R1]));
    expect(await c.retryPass.run()).toMatchObject({ heldByProbe: 1, probes: { 'token probe': 'failed' } });
    expect(c.tokens.calls).toEqual([]);
    c.env.EXCHANGE_CLIENT_SECRET = 'the-corrected-secret-value';
    expect(await c.retryPass.run()).toMatchObject({ replayed: 1, probes: { 'token probe': 'passed' } });
    expect((await c.deliverReplays())[0]?.status).toBe('Success');
  });
});

describe('RetryPass: graph probe', () => {
  it('a passing probe replays the due rows and counts the rest of that mailbox as not due', async () => {
    const c = await failing(graphAnswers.accessDenied);
    c.clock.advance(3 * MINUTE);
    await c.processor.process(appointment('A-2', 1, [R1]));
    c.clock.advance(2 * MINUTE);
    c.exchange.heal(R1.mailbox);
    expect(await c.retryPass.run()).toEqual({
      ...idle,
      pending: 2,
      replayed: 1,
      appointments: 1,
      notDue: 1,
      probes: { 'graph probe': 'passed' },
    });
  });

  for (const [code, answer] of [
    ['DSEX030', graphAnswers.accessDenied],
    ['DSEX010', graphAnswers.unauthorized],
  ] as const) {
    it(`${code}: probes the failing mailbox once when due, holds while it fails, replays once it passes`, async () => {
      const c = await failing(answer);
      c.clock.advance(MINUTE);
      expect(await c.retryPass.run()).toEqual({ ...idle, pending: 1, notDue: 1 });
      expect(c.exchange.calls.filter((call) => call.action === 'probe')).toEqual([]);

      c.clock.advance(4 * MINUTE);
      expect(await c.retryPass.run()).toEqual({
        ...idle,
        pending: 1,
        heldByProbe: 1,
        probes: { 'graph probe': 'failed' },
      });
      expect(c.exchange.calls.filter((call) => call.action === 'probe')).toEqual([
        { action: 'probe', mailbox: R1.mailbox },
      ]);

      c.exchange.heal(R1.mailbox);
      expect(await c.retryPass.run()).toMatchObject({ replayed: 1, probes: { 'graph probe': 'passed' } });
      expect((await c.deliverReplays())[0]?.status).toBe('Success');
    });
  }
});

describe('RetryPass: resource change', () => {
  it('replays a row waiting on two resources once either of them changes', async () => {
    const c = core();
    const R2 = room('R2', { exchangeEnabled: false });
    await c.processor.process(appointment('A-1', 1, [room('R1', { exchangeEnabled: false }), R2]));
    c.clock.advance(DAY);
    expect(await c.retryPass.run()).toEqual({ ...idle, pending: 1, waitingOnResource: 1 });

    await c.processor.process(resourceChange(R1, new Date(START.getTime() + MINUTE).toISOString()));
    expect(await c.retryPass.run()).toEqual({ ...idle, pending: 1, replayed: 1, appointments: 1 });
  });

  it('a resource state from the very moment of the last attempt does not replay: only a newer one does', async () => {
    const c = await failing(graphAnswers.invalidUser);
    await c.processor.process(resourceChange(R1, START.toISOString()));
    c.clock.advance(MINUTE);
    expect(await c.retryPass.run()).toMatchObject({ waitingOnResource: 1, replayed: 0 });
  });

  it('waits on a disabled resource until a newer state of it arrives, then replays', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [room('R1', { exchangeEnabled: false })]));
    c.clock.advance(DAY);
    expect(await c.retryPass.run()).toEqual({ ...idle, pending: 1, waitingOnResource: 1 });

    await c.processor.process(resourceChange(R1, new Date(START.getTime() + MINUTE).toISOString()));
    expect(await c.retryPass.run()).toEqual({ ...idle, pending: 1, replayed: 1, appointments: 1 });
    const [row] = await c.deliverReplays();
    expect([row?.status, row?.code]).toEqual(['Success', undefined]);
    expect(c.exchange.events(R1.mailbox)).toHaveLength(1);
  });

  it('a resource state older than the last attempt does not replay; a corrected mailbox does (DSEX012)', async () => {
    const c = await failing(graphAnswers.invalidUser);
    await c.processor.process(resourceChange(R1, new Date(START.getTime() - MINUTE).toISOString()));
    expect(await c.retryPass.run()).toMatchObject({ waitingOnResource: 1, replayed: 0 });

    const corrected = room('R1', { mailbox: 'room-one@contoso.example' });
    await c.processor.process(resourceChange(corrected, new Date(START.getTime() + MINUTE).toISOString()));
    expect(await c.retryPass.run()).toMatchObject({ waitingOnResource: 0, replayed: 1 });
    expect((await c.deliverReplays())[0]?.status).toBe('Success');
    expect(c.exchange.events(corrected.mailbox)).toHaveLength(1);
  });
});
