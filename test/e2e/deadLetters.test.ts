import { afterEach, describe, expect, it } from 'vitest';
import { definition as errorsApi } from '../../functions/errorsApi';
import { transactionIdFor } from '../../shared/domain/ids';
import type { TransactionRecord } from '../../shared/domain/transaction';
import { readLocalPrincipal } from '../../shared/settings';
import { serveHttpFunctions } from '../../stand-ins/host/httpRunner';
import { upsert } from '../support/changes';
import { useE2eSuite } from '../support/e2eSuite';
import { QUEUE } from '../support/harness';

const suite = useE2eSuite({ sweepDeadLetters: true });
const { mailbox, appointmentId } = suite;

afterEach(() => {
  suite.harness.tableProxy.up();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('sweepDeadLetters: nothing dead-lettered ends without a row', () => {
  it('a change that fails 10 deliveries (Table Storage down) is dead-lettered, swept and replayed', async () => {
    const room = mailbox('room');
    const id = appointmentId();
    const change = upsert(id, 1, [{ id: 'R-1', mailbox: room }]);
    suite.harness.tableProxy.down();
    await suite.harness.send(change);
    await until(() => suite.harness.serviceBus.stats(QUEUE).deadLettered === 1, 120_000, 'the dead letter');
    expect(suite.harness.serviceBus.stats(QUEUE)).toMatchObject({ active: 0, locked: 0 });
    suite.harness.tableProxy.up();
    const row = await suite.harness.waitForTransaction(change.changeId, (r) => r.code === 'DSEX052', 30_000);
    expect(row).toMatchObject({ status: 'Failed', operation: 'upsert', appointmentId: id });
    expect(row.message).toMatch(
      /^\[DSEX052\] The outcome could not be recorded before Service Bus dead-lettered it \(MaxDeliveryCountExceeded: Message could not be consumed after 10 delivery attempts\.\); the dead-letter sweeper recorded it\. The retry pass replays appointment /,
    );
    expect(row.nextAttemptAt).toBeDefined();
    await until(
      () => suite.harness.serviceBus.stats(QUEUE).deadLettered === 0,
      10_000,
      'the sweep to complete',
    );

    // On the Errors API, as an administrator finds it.
    const operator = readLocalPrincipal({});
    const server = await serveHttpFunctions([errorsApi], {
      port: 0,
      host: '127.0.0.1',
      signIn: () => operator,
    });
    try {
      const answer = await fetch(
        `${server.url}/${server.routePrefix}/errors/${transactionIdFor(change.changeId)}`,
      );
      expect(answer.status).toBe(200);
      const detail = (await answer.json()) as { transaction: TransactionRecord };
      expect(detail.transaction).toMatchObject({ code: 'DSEX052', status: 'Failed' });
    } finally {
      await server.stop();
    }

    // The sweeper saved the state, so the retry pass syncs it.
    await suite.harness
      .connector()
      .retryPass({ info: () => {}, error: () => {} }, { now: () => new Date(Date.now() + 10 * 60_000) })
      .run();
    const replayed = await suite.harness.waitForTransaction(
      change.changeId,
      (r) => r.status === 'Success',
      30_000,
    );
    expect(replayed.code).toBeUndefined();
    expect(suite.sandbox.events(room)).toHaveLength(1);
  }, 180_000);
});
