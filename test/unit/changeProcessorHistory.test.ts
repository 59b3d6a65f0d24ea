import { describe, expect, it } from 'vitest';
import { transactionIdFor } from '../../shared/domain/ids';
import { remove } from '../support/changes';
import { appointment, core, MINUTE, room } from '../support/coreScenario';
import { graphAnswers } from '../support/inMemoryPorts';

const R1 = room('R1');

/** The transaction ids of an appointment's history entries, oldest first. */
function historyIds(c: ReturnType<typeof core>, appointmentId: string): string[] {
  return c.appointments.historyOf(appointmentId).map((entry) => entry.transactionId);
}

describe('appointment history entries', () => {
  it("a change's row joins the history in the appointment's own write: one write per change", async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    expect(c.appointments.writes).toBe(1);
    c.clock.advance(MINUTE);
    await c.processor.process(appointment('A-1', 2, [R1]));
    c.clock.advance(MINUTE);
    await c.processor.process({ ...remove('A-1', 3), changeId: 'A-1-v3' });
    expect(c.appointments.writes).toBe(3);
    expect(historyIds(c, 'A-1')).toEqual(['A-1-v1', 'A-1-v2', 'A-1-v3'].map(transactionIdFor));
    expect(c.appointments.historyOf('A-1')[0]).toEqual({
      appointmentId: 'A-1',
      transactionId: transactionIdFor('A-1-v1'),
      createdAt: (await c.transactions.getTransaction(transactionIdFor('A-1-v1')))?.createdAt,
    });
  });

  it('a redelivered change and a replay rewrite their row but add no entry', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable, { times: 2 });
    const failed = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(failed?.code).toBe('DSEX040');
    await c.processor.process(appointment('A-1', 1, [R1]));
    c.exchange.heal(R1.mailbox);
    c.clock.advance(10 * MINUTE);
    await c.retryPass.run();
    await c.deliverReplays();
    expect((await c.transactions.getTransaction(failed?.transactionId ?? ''))?.status).toBe('Success');
    expect(historyIds(c, 'A-1')).toEqual([transactionIdFor('A-1-v1')]);
  });

  it('a row recorded without the appointment being written joins on its own: an older version, an invalid message naming it', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 2, [R1]));
    const writes = c.appointments.writes;
    const older = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(older?.code).toBe('DSEX022');
    const invalid = await c.processor.process(
      { kind: 'appointment', appointmentId: 'A-1' },
      { messageId: 'm-1' },
    );
    expect(invalid?.code).toBe('DSEX050');
    expect(c.appointments.writes - writes).toBe(2);
    expect(historyIds(c, 'A-1')).toEqual([
      transactionIdFor('A-1-v2'),
      transactionIdFor('A-1-v1'),
      invalid?.transactionId,
    ]);
  });

  it('a row of no appointment, or of an id no key can hold, joins no history', async () => {
    const c = core();
    const invalid = await c.processor.process('not json at all', { messageId: 'm-2' });
    expect(invalid?.appointmentId).toBe('');
    const unkeyable = await c.processor.process(appointment('€'.repeat(200), 1, [R1]), { messageId: 'm-3' });
    expect([unkeyable?.code, unkeyable?.appointmentId.startsWith('€€€')]).toEqual(['DSEX050', true]);
    expect(c.appointments.writes).toBe(0);
  });
});
