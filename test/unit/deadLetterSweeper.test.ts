import { describe, expect, it } from 'vitest';
import { deadLetterOf } from '../../functions/sweepDeadLetters';
import { DeadLetterSweeper } from '../../shared/domain/deadLetterSweeper';
import { transactionIdFor } from '../../shared/domain/ids';
import { resourceChange } from '../support/changes';
import { appointment, core, room } from '../support/coreScenario';

const LETTER = {
  messageId: 'm-1',
  reason: 'MaxDeliveryCountExceeded',
  description: 'Message could not be consumed after 10 delivery attempts.',
};
const WHY =
  'Service Bus dead-lettered it (MaxDeliveryCountExceeded: Message could not be consumed after 10 delivery attempts.)';

function sweeper() {
  const c = core();
  const sweep = new DeadLetterSweeper({ ...c.processorDependencies, now: c.clock.now });
  return { c, sweep };
}

describe('DeadLetterSweeper', () => {
  it('an appointment change: its state saved, DSEX052 on its own row, replayed by the retry pass', async () => {
    const { c, sweep } = sweeper();
    const row = await sweep.sweep(appointment('A-1', 3, [room('R1')]), LETTER);
    expect(row).toMatchObject({
      transactionId: transactionIdFor('A-1-v3'),
      appointmentId: 'A-1',
      operation: 'upsert',
      version: 3,
      status: 'Failed',
      code: 'DSEX052',
      message: `[DSEX052] The outcome could not be recorded before ${WHY}; the dead-letter sweeper recorded it. The retry pass replays appointment A-1.`,
    });
    expect(row.nextAttemptAt).toBeDefined();
    const stored = await c.appointments.getAppointment('A-1');
    expect(stored.state?.version).toBe(3);
    expect(stored.openTransactions).toEqual([row.transactionId]);
    expect((await c.transactions.listPending('A-1')).map((p) => p.transactionId)).toEqual([
      row.transactionId,
    ]);
    // The retry pass replays it with the saved state, and it syncs.
    c.clock.advance(6 * 60_000);
    await c.retryPass.run();
    await c.deliverReplays();
    expect((await c.transactions.getTransaction(row.transactionId))?.status).toBe('Success');
  });

  it('a resource change: the resource saved, DSEX052 not replayed (no appointment)', async () => {
    const { c, sweep } = sweeper();
    const row = await sweep.sweep(resourceChange(room('R9'), '2026-11-24T09:05:00Z'), LETTER);
    expect(row).toMatchObject({ code: 'DSEX052', operation: 'resource', appointmentId: '' });
    expect(row.message).toMatch(/The resource state was saved now\.$/);
    expect(row.nextAttemptAt).toBeUndefined();
    expect((await c.resources.getResources(['R9'])).get('R9')?.mailbox).toBe('r9@contoso.example');
  });

  it('an unparseable body: DSEX050 with its reason and the dead-letter reason, on the message id row', async () => {
    const { sweep } = sweeper();
    const row = await sweep.sweep('{"kind": "appoint', LETTER);
    expect(row).toMatchObject({
      transactionId: transactionIdFor('message:m-1'),
      code: 'DSEX050',
      status: 'InvalidChangeMessage',
      message: `[DSEX050] Invalid change message: body is not valid JSON. ${WHY}.`,
      rawBody: '{"kind": "appoint',
    });
  });

  it("the connector's own replay request: DSEX052 on a row of its own; an unusable appointment id is left out", async () => {
    const { sweep } = sweeper();
    const replay = { kind: 'replay', appointmentId: 'A-7', transactionIds: ['tx-1'], reason: 'retry pass' };
    expect(await sweep.sweep(replay, LETTER)).toMatchObject({
      operation: 'replay',
      appointmentId: 'A-7',
      code: 'DSEX052',
    });
    const forged = await sweep.sweep(
      { ...replay, appointmentId: 'A-\ud800' },
      { ...LETTER, messageId: 'm-2' },
    );
    expect(forged).toMatchObject({ appointmentId: '', code: 'DSEX052' });
    expect(forged.nextAttemptAt).toBeUndefined();
  });

  it('reads the dead-letter reason from the trigger metadata as the host hands it over', () => {
    expect(
      deadLetterOf({
        messageId: 'm-1',
        applicationProperties: {
          DeadLetterReason: LETTER.reason,
          DeadLetterErrorDescription: LETTER.description,
        },
      }),
    ).toEqual(LETTER);
    expect(deadLetterOf({})).toEqual({ reason: '', description: '' });
    const bare = sweeper().sweep.sweep('x', { reason: '', description: '' });
    return expect(bare).resolves.toMatchObject({ message: expect.stringContaining('(no reason given)') });
  });
});
