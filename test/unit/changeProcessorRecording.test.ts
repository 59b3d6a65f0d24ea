import { describe, expect, it } from 'vitest';
import { transactionIdFor } from '../../shared/domain/ids';
import { appointment, core, MINUTE, room } from '../support/coreScenario';
import { graphAnswers } from '../support/inMemoryPorts';

/* What the processor and its recorder keep beside the row: the open transactions, the supersede log line, the schedule a manual replay leaves alone, the refusal's own words. */

const R1 = room('R1');
const TX1 = transactionIdFor('A-1-v1');
const TX2 = transactionIdFor('A-1-v2');

describe('ChangeProcessor: what it records beside the row', () => {
  it('keeps a failed change open on the appointment until a later sync closes it, and logs the supersede', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable, { times: 1 });
    await c.processor.process(appointment('A-1', 1, [R1]));
    expect((await c.appointments.getAppointment('A-1')).openTransactions).toEqual([TX1]);
    await c.processor.process(appointment('A-1', 2, [R1]));
    expect((await c.appointments.getAppointment('A-1')).openTransactions).toEqual([]);
    expect(c.log.lines.filter((line) => line.message === 'transaction superseded')).toEqual([
      {
        level: 'info',
        message: 'transaction superseded',
        properties: { transactionId: TX1, appointmentId: 'A-1', supersededBy: TX2 },
      },
    ]);
  });

  it('a manual replay that fails again keeps the attempt count and the next automatic attempt', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable);
    const failed = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(failed?.nextAttemptAt).toBeInstanceOf(Date);
    c.clock.advance(MINUTE);
    await c.retryPass.replayNow(TX1);
    const [again] = await c.deliverReplays();
    expect([again?.status, again?.lastAttemptAt]).toEqual(['Failed', c.clock.now()]);
    expect([again?.attempts, again?.nextAttemptAt]).toEqual([1, failed?.nextAttemptAt]);
  });

  it('words a refused replay as a refusal, not as an invalid change message (DSEX051)', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable);
    await c.processor.process(appointment('A-1', 1, [R1]));
    const refused = await c.processor.process(
      { kind: 'replay', appointmentId: 'A-1', transactionIds: [TX1], reason: 'manual' },
      { messageId: 'replay:not-ours' },
    );
    expect(refused?.code).toBe('DSEX051');
    expect(refused?.message).toMatch(/^\[DSEX051\] Replay request refused, nothing was changed: 1 of the 1 /);
  });
});
