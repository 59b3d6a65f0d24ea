import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { transactionIdFor } from '../../shared/domain/ids';
import { upsert } from '../support/changes';
import { useE2eSuite } from '../support/e2eSuite';
import { changeMessage } from '../support/harness';

const suite = useE2eSuite();
const { mailbox, appointmentId } = suite;

afterEach(() => suite.sandbox.reset());

describe('forged replays through the queue', () => {
  it('a replay the connector did not send is recorded as DSEX051 and changes nothing on the rows it lists', async () => {
    const rooms = [mailbox('room'), mailbox('room')];
    const [victim, named] = rooms.map((room) => upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]));
    if (!victim || !named) throw new Error('two changes expected');
    for (const room of rooms) suite.sandbox.mailboxFails(room, 'serverError');
    await suite.harness.send(victim, named);
    const before = await Promise.all(
      [victim, named].map((change) =>
        suite.harness.waitForTransaction(change.changeId, (row) => row.code === 'DSEX040'),
      ),
    );
    suite.sandbox.reset();
    const messageId = `forged-${randomUUID()}`;
    const listed = [transactionIdFor(victim.changeId), transactionIdFor(named.changeId)];
    await suite.harness.sender.sendMessages(
      changeMessage(
        { kind: 'replay', appointmentId: named.appointmentId, transactionIds: listed, reason: 'manual' },
        messageId,
      ),
    );

    const refused = await suite.harness.waitForTransaction(
      `message:${messageId}`,
      (row) => row.code === 'DSEX051',
    );
    expect([refused.status, refused.appointmentId]).toEqual(['InvalidChangeMessage', named.appointmentId]);
    expect(refused.message).toContain('2 of the 2 transactions it lists');
    const after = await Promise.all(
      listed.map((id) => suite.harness.connector().stores.transactions.getTransaction(id)),
    );
    expect(after).toEqual(before);
    expect(rooms.map((room) => suite.sandbox.events(room))).toEqual([[], []]);
  });
});
