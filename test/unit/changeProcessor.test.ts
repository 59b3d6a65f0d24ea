import { describe, expect, it } from 'vitest';
import { eventPayload } from '../../shared/domain/eventPayload';
import { eventTransactionId, transactionIdFor } from '../../shared/domain/ids';
import { AppointmentMappings, withChanges } from '../../shared/domain/storedAppointment';
import { remove, resourceChange } from '../support/changes';
import { appointment, core, MINUTE, outcome, room, START } from '../support/coreScenario';
import { graphAnswers } from '../support/inMemoryPorts';

const R1 = room('R1');
const R2 = room('R2');

describe('ChangeProcessor: syncing appointments', () => {
  it('creates one event per enabled resource, maps it, and records a Success row in no index', async () => {
    const c = core();
    const row = await c.processor.process(appointment('A-1', 1, [R1, R2]));

    expect(outcome(row)).toEqual({ status: 'Success', code: null, attempts: 1, nextAttemptAt: null });
    expect(row?.message).toBe('Synced 2 resource events.');
    expect(row?.transactionId).toBe(transactionIdFor('A-1-v1'));
    expect(row?.createdAt).toEqual(START);
    expect(row?.resources.map((r) => [r.resourceId, r.action, r.status, r.message])).toEqual([
      ['R1', 'create', 'Success', 'Event created.'],
      ['R2', 'create', 'Success', 'Event created.'],
    ]);
    const [event] = c.exchange.events(R1.mailbox);
    expect(c.exchange.events(R1.mailbox)).toHaveLength(1);
    expect(event?.payload.subject).toBe('Appointment A-1 v1');
    expect(event?.transactionId).toBe(eventTransactionId('A-1', 'R1', R1.mailbox));
    expect((await c.mappings.listMappings('A-1')).map((m) => [m.resourceId, m.eventId])).toEqual([
      ['R1', event?.id],
      ['R2', c.exchange.events(R2.mailbox)[0]?.id],
    ]);
    expect(await c.transactions.getTransaction(row?.transactionId ?? '')).toEqual(row);
    expect(await c.transactions.listPending()).toEqual([]);
    expect(c.transactions.failureEntries()).toEqual([]);
    expect(c.log.lines.find((l) => l.message === 'transaction')?.properties).toMatchObject({
      transactionId: row?.transactionId,
      status: 'Success',
      code: '',
      attempts: 1,
    });
  });

  it('updates the mapped event in place on a newer version', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    const [created] = c.exchange.events(R1.mailbox);
    const row = await c.processor.process(appointment('A-1', 2, [R1]));

    expect(row?.status).toBe('Success');
    expect(row?.resources.map((r) => [r.action, r.message, r.eventId])).toEqual([
      ['update', 'Event updated.', created?.id],
    ]);
    expect(c.exchange.events(R1.mailbox).map((e) => [e.id, e.payload.subject])).toEqual([
      [created?.id, 'Appointment A-1 v2'],
    ]);
  });

  it('recreates an event someone deleted in Outlook, and maps the new one', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    const [created] = c.exchange.events(R1.mailbox);
    c.exchange.deleteInOutlook(R1.mailbox, created?.id ?? '');
    const row = await c.processor.process(appointment('A-1', 2, [R1]));

    expect(row?.status).toBe('Success');
    expect(row?.resources[0]?.message).toBe('Event recreated: it had been deleted in Outlook.');
    const [recreated] = c.exchange.events(R1.mailbox);
    expect(recreated?.id).not.toBe(created?.id);
    expect(recreated?.transactionId).toBe(eventTransactionId('A-1', 'R1', R1.mailbox, created?.id));
    expect((await c.mappings.listMappings('A-1'))[0]?.eventId).toBe(recreated?.id);
  });

  it('deletes every event of a deleted appointment and its mappings', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1, R2]));
    const row = await c.processor.process(remove('A-1', 2, 'A-1-v2'));

    expect(outcome(row)).toEqual({ status: 'Success', code: null, attempts: 1, nextAttemptAt: null });
    expect(row?.operation).toBe('delete');
    expect(row?.message).toBe('Synced 2 resource events.');
    expect(row?.resources.map((r) => [r.resourceId, r.action, r.message])).toEqual([
      ['R1', 'delete', 'Event deleted.'],
      ['R2', 'delete', 'Event deleted.'],
    ]);
    expect([...c.exchange.events(R1.mailbox), ...c.exchange.events(R2.mailbox)]).toEqual([]);
    expect(await c.mappings.listMappings('A-1')).toEqual([]);
  });

  it('deletes the event of a resource removed from the appointment', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1, R2]));
    const row = await c.processor.process(appointment('A-1', 2, [R1]));

    expect(row?.resources.map((r) => [r.resourceId, r.action, r.status])).toEqual([
      ['R1', 'update', 'Success'],
      ['R2', 'delete', 'Success'],
    ]);
    expect(c.exchange.events(R2.mailbox)).toEqual([]);
    expect((await c.mappings.listMappings('A-1')).map((m) => m.resourceId)).toEqual(['R1']);
  });

  it('moves the event when the mailbox of a resource changed', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    const moved = room('R1', { mailbox: 'new-r1@contoso.example' });
    const row = await c.processor.process(appointment('A-1', 2, [moved]));

    expect(row?.message).toBe('Synced 2 resource events.');
    expect(row?.resources.map((r) => [r.action, r.mailbox])).toEqual([
      ['delete', R1.mailbox],
      ['create', moved.mailbox],
    ]);
    expect(c.exchange.events(R1.mailbox)).toEqual([]);
    expect(c.exchange.events(moved.mailbox)).toHaveLength(1);
    expect((await c.mappings.listMappings('A-1'))[0]?.mailbox).toBe(moved.mailbox);
  });

  it('uses a newer stored resource state over the snapshot copy', async () => {
    const c = core();
    await c.processor.process(resourceChange(room('R1', { exchangeEnabled: false }), '2026-11-25T07:00:00Z'));
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(outcome(row)?.code).toBe('DSEX011');
    expect(c.exchange.calls).toEqual([]);
  });
});

describe('ChangeProcessor: redelivery', () => {
  it('a redelivered change makes no second event and counts the attempt on the same row', async () => {
    const c = core();
    const change = appointment('A-1', 1, [R1]);
    const first = await c.processor.process(change);
    c.clock.advance(MINUTE);
    const again = await c.processor.process(change);

    expect(again?.transactionId).toBe(first?.transactionId);
    expect(outcome(again)).toEqual({ status: 'Success', code: null, attempts: 2, nextAttemptAt: null });
    expect(again?.createdAt).toEqual(START);
    expect(again?.lastAttemptAt).toEqual(new Date(START.getTime() + MINUTE));
    expect(c.exchange.events(R1.mailbox)).toHaveLength(1);
  });

  it('a create retried after its mapping was lost answers the first event (Graph transactionId)', async () => {
    const c = core();
    const change = appointment('A-1', 1, [R1]);
    await c.processor.process(change);
    await c.mappings.deleteMapping('A-1', 'R1');
    const again = await c.processor.process(change);

    expect(again?.resources[0]?.action).toBe('create');
    expect(c.exchange.events(R1.mailbox)).toHaveLength(1);
    expect(again?.resources[0]?.eventId).toBe(c.exchange.events(R1.mailbox)[0]?.id);
  });

  it('writes the newest stored state last when a newer one was saved during its writes (a lost session lock)', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    const v3 = appointment('A-1', 3, [R1]);
    // While v2's update is in flight, another instance (holding the session after v2's lock ran out) saves v3.
    c.exchange.fail(
      R1.mailbox,
      (action, mailbox) => {
        void c.appointments.getAppointment('A-1').then((stored) =>
          c.appointments.updateAppointment(
            stored,
            withChanges({
              state: {
                appointmentId: 'A-1',
                version: 3,
                changeId: v3.changeId,
                deleted: false,
                snapshot: v3.appointment,
                receivedAt: START,
              },
              mappings: new AppointmentMappings(stored.mappings),
              closed: [],
              opened: [],
            }),
          ),
        );
        return graphAnswers.unavailable(action, mailbox);
      },
      { action: 'update', times: 1 },
    );
    const row = await c.processor.process(appointment('A-1', 2, [R1]));

    expect(outcome(row)).toEqual({ status: 'Success', code: null, attempts: 1, nextAttemptAt: null });
    expect(c.exchange.events(R1.mailbox).map((e) => e.payload.subject)).toEqual(['Appointment A-1 v3']);
    expect(c.log.lines.find((l) => l.message.startsWith('overtaken'))?.properties).toEqual({
      appointmentId: 'A-1',
      version: 2,
      newestVersion: 3,
    });
  });

  it('deletes the event an older sync stored while it ran, though its own state is the newest (a lost session lock)', async () => {
    const c = core();
    const v1 = appointment('A-1', 1, [R1]);
    const read = c.appointments.getAppointment.bind(c.appointments);
    let interleaved = false;
    // v1 on another instance (which held the session until its lock ran out): it read nothing, made
    // R1's event, and stores v1 with it after this instance (now holding the session) read for v2.
    c.appointments.getAppointment = async (appointmentId) => {
      const stored = await read(appointmentId);
      if (interleaved) return stored;
      interleaved = true;
      const credentials = c.readCredentials();
      if (!credentials.ok) throw new Error('the test credentials do not read');
      const gateway = c.exchange.factory(credentials.value);
      const { eventId } = await gateway.createEvent(
        R1.mailbox,
        eventPayload(v1.appointment),
        eventTransactionId('A-1', 'R1', R1.mailbox),
      );
      const mappings = new AppointmentMappings([]);
      await mappings.putMapping({
        appointmentId: 'A-1',
        resourceId: 'R1',
        mailbox: R1.mailbox,
        eventId,
        updatedAt: START,
      });
      const state = {
        appointmentId: 'A-1',
        version: 1,
        changeId: v1.changeId,
        deleted: false,
        snapshot: v1.appointment,
        receivedAt: START,
      };
      await c.appointments.updateAppointment(
        stored,
        withChanges({ state, mappings, closed: [], opened: [] }),
      );
      return stored;
    };
    const row = await c.processor.process(appointment('A-1', 2, [R2]));

    expect(outcome(row)).toEqual({ status: 'Success', code: null, attempts: 1, nextAttemptAt: null });
    expect(c.exchange.events(R1.mailbox)).toEqual([]);
    expect(c.exchange.events(R2.mailbox).map((e) => e.payload.subject)).toEqual(['Appointment A-1 v2']);
    expect((await c.mappings.listMappings('A-1')).map((m) => m.resourceId)).toEqual(['R2']);
    expect(c.log.lines.find((l) => l.message.startsWith('overtaken'))?.properties).toEqual({
      appointmentId: 'A-1',
      version: 2,
      newestVersion: 2,
    });
  });

  it('a redelivered invalid message (same message id) counts on its one row', async () => {
    const c = core();
    const first = await c.processor.process('{"kind":', { messageId: 'm-1' });
    const again = await c.processor.process('{"kind":', { messageId: 'm-1' });
    expect(again?.transactionId).toBe(first?.transactionId);
    expect(again?.attempts).toBe(2);
  });
});

describe('ChangeProcessor: resource changes', () => {
  it('saves a resource state and records it as a Success row with no appointment', async () => {
    const c = core();
    const row = await c.processor.process(
      resourceChange(room('R1', { exchangeEnabled: false }), '2026-11-25T07:00:00Z'),
    );
    expect(outcome(row)).toEqual({ status: 'Success', code: null, attempts: 1, nextAttemptAt: null });
    expect(row?.operation).toBe('resource');
    expect(row?.appointmentId).toBe('');
    expect(row?.message).toBe(`Resource state saved: Exchange integration off, mailbox ${R1.mailbox}.`);
    expect((await c.resources.getResources(['R1'])).get('R1')?.exchangeEnabled).toBe(false);
  });
});

describe('ChangeProcessor: recording', () => {
  it('throws when the outcome cannot be recorded', async () => {
    const c = core();
    c.transactions.failWrites(new Error('connect ECONNREFUSED 127.0.0.1:10002'));
    await expect(c.processor.process(appointment('A-1', 1, [R1]))).rejects.toThrow('ECONNREFUSED');
  });

  it('counts attempts and backs off: the nth failure is replayed 5 min × 2^(n-1) later', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable);
    const change = appointment('A-1', 1, [R1]);
    await c.processor.process(change);
    c.clock.advance(10 * MINUTE);
    await c.processor.process(change);
    c.clock.advance(10 * MINUTE);
    const third = await c.processor.process(change);
    const now = START.getTime() + 20 * MINUTE;
    expect(outcome(third)).toEqual({
      status: 'Failed',
      code: 'DSEX040',
      attempts: 3,
      nextAttemptAt: new Date(now + 20 * MINUTE).toISOString(),
    });
    expect(third?.createdAt).toEqual(START);
    const [pending] = await c.transactions.listPending();
    expect([pending?.attempts, pending?.nextAttemptAt]).toEqual([3, third?.nextAttemptAt]);
  });
});
