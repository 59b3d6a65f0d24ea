import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { GraphCalendarGateway } from '../../shared/adapters/graphCalendarGateway';
import { MailboxLimiter } from '../../shared/adapters/mailboxLimiter';
import { connectorProperties } from '../../shared/domain/connectorTag';
import { eventPayload } from '../../shared/domain/eventPayload';
import { mailboxOutcomeId } from '../../shared/domain/exchangeChangeRows';
import { remove, upsert } from '../support/changes';
import { eventually } from '../support/eventually';
import { type TwoWayHarness, useTwoWayHarness } from '../support/twoWayHarness';

const harness = useTwoWayHarness();
let h: TwoWayHarness;
beforeEach(() => {
  h = harness();
});

const mailbox = () => `room-${randomUUID().slice(0, 8)}@${h.sandbox.tenant.domain}`;
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000);
const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

/** An appointment synced to one room, its subscription made; answers the room, the ids and the event. */
async function synced(hoursAhead = 24) {
  const room = mailbox();
  const appointmentId = `A-${randomUUID().slice(0, 8)}`;
  const start = inHours(hoursAhead);
  const end = inHours(hoursAhead + 1);
  const change = upsert(appointmentId, 1, [{ id: 'R-1', mailbox: room }], {
    start: start.toISOString(),
    end: end.toISOString(),
  });
  await h.send(change);
  await h.waitForTransaction(change.changeId);
  await eventually(`a subscription for ${room}`, () => h.sandbox.graph.subscriptions(room)[0], 15_000);
  const event = h.sandbox.graph.events(room)[0];
  if (!event) throw new Error('no event written');
  await h.settle();
  return { room, appointmentId, eventId: event.id, start, end };
}

const publishedFor = (appointmentId: string) => h.published.filter((m) => m.appointmentId === appointmentId);

describe('two-way sync: Outlook changes reach the back-office queue', () => {
  it('subscribes the mailbox on its first sync, with the connector’s clientState and both URLs', async () => {
    const { room } = await synced();
    const [subscription] = h.sandbox.graph.subscriptions(room);
    expect(subscription).toMatchObject({
      clientState: h.clientState,
      notificationUrl: h.webhookUrl,
      changeType: 'created,updated,deleted',
    });
    expect(subscription?.lifecycleNotificationUrl).toMatch(/\/api\/graph\/lifecycle$/);
    expect((await h.connector().stores.mailboxSync.getSubscription(room))?.subscriptionId).toBe(
      subscription?.id,
    );
  });

  it('publishes an Outlook move exactly once, with the new times', async () => {
    const { room, appointmentId, eventId } = await synced();
    const newStart = inHours(30);
    const newEnd = inHours(31);
    h.sandbox.graph.moveInOutlook(room, eventId, newStart.toISOString(), newEnd.toISOString());
    await h.settle();
    await h.runPeriodicDelta();
    expect(publishedFor(appointmentId)).toEqual([
      expect.objectContaining({
        kind: 'exchangeChange',
        change: 'moved',
        resource: { id: 'R-1', mailbox: room },
        event: expect.objectContaining({ eventId, start: iso(newStart), end: iso(newEnd) }),
      }),
    ]);
    const rows = await h
      .connector()
      .stores.transactions.getTransaction(
        (await h.connector().stores.transactions.listPending(appointmentId))[0]?.transactionId ?? 'none',
      );
    expect(rows).toBeUndefined();
  });

  it('publishes a deletion, a decline and a tentative acceptance exactly once each', async () => {
    const deleted = await synced();
    const declined = await synced();
    const tentative = await synced();
    h.sandbox.graph.deleteInOutlook(deleted.room, deleted.eventId);
    h.sandbox.graph.declineInOutlook(declined.room, declined.eventId);
    h.sandbox.graph.tentativeInOutlook(tentative.room, tentative.eventId);
    await h.settle();
    await h.runPeriodicDelta();
    expect(publishedFor(deleted.appointmentId).map((m) => m.change)).toEqual(['deleted']);
    expect(publishedFor(declined.appointmentId).map((m) => [m.change, m.event.responseStatus])).toEqual([
      ['declined', 'declined'],
    ]);
    expect(publishedFor(tentative.appointmentId).map((m) => m.change)).toEqual(['tentative']);
  });

  it('conflict: the back office’s next change wins over an Outlook move, and is not echoed back', async () => {
    const { room, appointmentId, eventId, start, end } = await synced();
    h.sandbox.graph.moveInOutlook(room, eventId, inHours(70).toISOString(), inHours(71).toISOString());
    await h.settle();
    expect(publishedFor(appointmentId).map((m) => m.change)).toEqual(['moved']);
    // The back office keeps its times (only the subject changes): the event goes back to them.
    const update = upsert(appointmentId, 2, [{ id: 'R-1', mailbox: room }], {
      start: start.toISOString(),
      end: end.toISOString(),
      subject: 'Kept where the back office planned it',
    });
    await h.send(update);
    await h.waitForTransaction(update.changeId);
    await h.settle();
    await h.runPeriodicDelta();
    const [event] = h.sandbox.graph.events(room);
    expect(Date.parse(`${event?.start?.dateTime}Z`)).toBe(start.getTime());
    expect(publishedFor(appointmentId).map((m) => m.change)).toEqual(['moved']);
  });

  it('publishes nothing for the connector’s own update', async () => {
    const { room, appointmentId } = await synced();
    const update = upsert(appointmentId, 2, [{ id: 'R-1', mailbox: room }], {
      start: inHours(50).toISOString(),
      end: inHours(51).toISOString(),
      subject: 'Moved by the back office',
    });
    await h.send(update);
    await h.waitForTransaction(update.changeId);
    await h.settle();
    await h.runPeriodicDelta();
    expect(h.sandbox.graph.deliveries().filter((d) => d.kind === 'notification').length).toBeGreaterThan(0);
    expect(publishedFor(appointmentId)).toEqual([]);
  });

  it('publishes nothing for the connector’s own write whose changeKey is not recorded yet (in flight)', async () => {
    const { room, appointmentId, eventId, start, end } = await synced();
    const credentials = h.connector().credentials();
    if (!credentials.ok) throw new Error('the harness has no credentials');
    // Version 2 written as the sync would, its outcome (state, changeKey) not stored yet.
    const gateway = new GraphCalendarGateway(credentials.value, h.connector().tokens, new MailboxLimiter(4));
    const moved = upsert(appointmentId, 2, [{ id: 'R-1', mailbox: room }], {
      start: new Date(start.getTime() + 7_200_000).toISOString(),
      end: new Date(end.getTime() + 7_200_000).toISOString(),
    }).appointment;
    const properties = connectorProperties({ appointmentId, resourceId: 'R-1' }, 2);
    await gateway.updateEvent(room, eventId, {
      ...eventPayload(moved),
      singleValueExtendedProperties: properties,
    });
    gateway.close();
    await h.settle();
    await h.runPeriodicDelta();
    expect(publishedFor(appointmentId)).toEqual([]);
    // The resource then moves it in Outlook: the event still says version 2, now stored, so it is published.
    await h.send(
      upsert(appointmentId, 2, [{ id: 'R-1', mailbox: room }], { start: moved.start, end: moved.end }),
    );
    await h.settled();
    h.sandbox.graph.moveInOutlook(room, eventId, inHours(60).toISOString(), inHours(61).toISOString());
    await h.settle();
    await h.runPeriodicDelta();
    expect(publishedFor(appointmentId).map((m) => m.change)).toEqual(['moved']);
  });

  it('publishes nothing for the connector’s own delete, nor for a resource taken off the appointment', async () => {
    const deleted = await synced();
    const reassigned = await synced();
    const removal = remove(deleted.appointmentId, 2);
    await h.send(removal);
    await h.waitForTransaction(removal.changeId);
    const otherRoom = mailbox();
    const moved = upsert(reassigned.appointmentId, 2, [{ id: 'R-2', mailbox: otherRoom }], {
      start: reassigned.start.toISOString(),
      end: reassigned.end.toISOString(),
    });
    await h.send(moved);
    await h.waitForTransaction(moved.changeId);
    await eventually('both events removed', () =>
      [deleted.room, reassigned.room].every((room) => h.sandbox.graph.events(room).length === 0),
    );
    await h.settle();
    await h.runPeriodicDelta();
    expect(h.sandbox.graph.deliveries().filter((d) => d.kind === 'notification').length).toBeGreaterThan(0);
    expect(publishedFor(deleted.appointmentId)).toEqual([]);
    expect(publishedFor(reassigned.appointmentId)).toEqual([]);
  });

  it('catches a change whose notification was lost with the periodic delta', async () => {
    const { room, appointmentId, eventId } = await synced();
    h.sandbox.graph.loseNotifications(room, true);
    h.sandbox.graph.declineInOutlook(room, eventId);
    await h.settle();
    expect(publishedFor(appointmentId)).toEqual([]);
    await h.runPeriodicDelta();
    expect(publishedFor(appointmentId).map((m) => m.change)).toEqual(['declined']);
  });

  it('resyncs the whole window after an expired delta token, without publishing anything twice', async () => {
    const { room, appointmentId, eventId } = await synced();
    h.sandbox.graph.moveInOutlook(room, eventId, inHours(40).toISOString(), inHours(41).toISOString());
    await h.settle();
    expect(publishedFor(appointmentId).map((m) => m.change)).toEqual(['moved']);
    h.sandbox.graph.loseNotifications(room, true);
    h.sandbox.graph.expireDeltaTokens(room);
    h.sandbox.graph.deleteInOutlook(room, eventId);
    await h.runPeriodicDelta();
    expect(publishedFor(appointmentId).map((m) => m.change)).toEqual(['moved', 'deleted']);
    const row = await h
      .connector()
      .stores.transactions.getTransaction(mailboxOutcomeId(room, 'DSEX073', new Date()));
    expect(row).toMatchObject({
      operation: 'exchangeChange',
      status: 'Success',
      code: 'DSEX073',
      attempts: 1,
    });
    expect(row?.message).toMatch(/^\[DSEX073\] The calendar delta link of .* had expired/);
  });
});

describe('two-way sync: the webhook', () => {
  it('answers the validation handshake with the token as text/plain', async () => {
    const token = 'Validation: Testing client application reachability';
    const response = await fetch(`${h.webhookUrl}?validationToken=${encodeURIComponent(token)}`, {
      method: 'POST',
    });
    expect([response.status, response.headers.get('content-type'), await response.text()]).toEqual([
      200,
      'text/plain; charset=utf-8',
      token,
    ]);
  });

  it('schedules each notification NOTIFICATION_DELAY_SECONDS ahead, so a write in flight is recorded first', async () => {
    const { room, appointmentId, eventId } = await synced();
    h.setSetting('NOTIFICATION_DELAY_SECONDS', '600');
    const before = h.serviceBus.stats('exchange-notifications');
    h.sandbox.graph.declineInOutlook(room, eventId);
    await h.sandbox.graph.notificationsDelivered();
    const after = h.serviceBus.stats('exchange-notifications');
    expect([after.sentTotal - before.sentTotal, after.scheduled - before.scheduled]).toEqual([1, 1]);
    h.park(1);
    await h.settle();
    expect(publishedFor(appointmentId)).toEqual([]);
  });

  it('answers 404 on a route that is neither channel, even to a validation token', async () => {
    const url = h.webhookUrl.replace(/notifications$/, 'elsewhere');
    const response = await fetch(`${url}?validationToken=x`, { method: 'POST' });
    expect(response.status).toBe(404);
  });

  it('drops a notification with a wrong clientState, enqueues nothing and records DSEX074', async () => {
    const before = h.serviceBus.stats('exchange-notifications').sentTotal;
    const subscriptionId = randomUUID();
    const notification = {
      subscriptionId,
      clientState: 'not-the-secret',
      changeType: 'updated',
      resource: 'x',
    };
    for (let i = 0; i < 2; i++) {
      const response = await fetch(h.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: [notification] }),
      });
      expect(response.status).toBe(202);
    }
    expect(h.serviceBus.stats('exchange-notifications').sentTotal).toBe(before);
    const page = await h.connector().stores.failures.listFailures({
      since: new Date(Date.now() - 3_600_000),
      pageSize: 50,
      code: 'DSEX074',
    });
    const row = page.items.find((item) => item.message.includes(subscriptionId));
    expect(row).toMatchObject({
      operation: 'exchangeChange',
      code: 'DSEX074',
      attempts: 2,
      status: 'Failed',
    });
    expect(row?.message).not.toContain('not-the-secret');
  });
});
