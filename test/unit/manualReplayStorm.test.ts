import { describe, expect, it } from 'vitest';
import { transactionIdFor } from '../../shared/domain/ids';
import { appointment, core, MINUTE, room, START } from '../support/coreScenario';
import { graphAnswers } from '../support/inMemoryPorts';

const R1 = room('R1');
const TX1 = transactionIdFor('A-1-v1');

describe('manual replay storm', () => {
  it('nine clicks in ten seconds, each after the last replay ran, queue one replay and keep the backoff', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable);
    await c.processor.process(appointment('A-1', 1, [R1]));
    const automatic = (await c.transactions.getTransaction(TX1))?.nextAttemptAt;
    c.clock.advance(2 * MINUTE);
    const ids = new Set<string>();
    let replays = 0;
    for (let click = 0; click < 9; click++) {
      const answer = await c.retryPass.replayNow(TX1).catch(() => undefined);
      if (answer) ids.add(answer.messageId);
      replays += (await c.deliverReplays()).length;
      c.clock.advance(1_100);
    }
    const row = await c.transactions.getTransaction(TX1);
    console.log(`manual replay storm: 9 clicks → ${replays} replays, attempts ${row?.attempts}`);
    expect([replays, ids.size]).toEqual([1, 1]);
    expect(row?.attempts).toBe(1);
    expect(row?.nextAttemptAt).toEqual(automatic);
    expect(automatic).toEqual(new Date(START.getTime() + 5 * MINUTE));
  });
});
