import { randomUUID } from 'node:crypto';
import { ServiceBusClient } from '@azure/service-bus';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Code } from '../../shared/domain/catalogue';
import { mailboxOutcomeId } from '../../shared/domain/exchangeChangeRows';
import { resourceChange, upsert } from '../support/changes';
import { eventually } from '../support/eventually';
import { NOTIFICATIONS_QUEUE, type TwoWayHarness, useTwoWayHarness } from '../support/twoWayHarness';

const harness = useTwoWayHarness();
let h: TwoWayHarness;
beforeEach(() => {
  h = harness();
});

const mailbox = () => `room-${randomUUID().slice(0, 8)}@${h.sandbox.tenant.domain}`;

async function subscribed(room = mailbox()) {
  const appointmentId = `A-${randomUUID().slice(0, 8)}`;
  const change = upsert(appointmentId, 1, [{ id: 'R-1', mailbox: room }], {
    start: new Date(Date.now() + 86_400_000).toISOString(),
    end: new Date(Date.now() + 90_000_000).toISOString(),
  });
  await h.send(change);
  await h.waitForTransaction(change.changeId);
  const subscription = await eventually(
    'a subscription',
    () => h.sandbox.graph.subscriptions(room)[0],
    15_000,
  );
  await h.settle();
  const eventId = h.sandbox.graph.events(room)[0]?.id ?? '';
  return { room, appointmentId, subscription, eventId };
}

/** Puts a watch request on the notification queue, as the sync path does. */
async function watch(room: string) {
  const client = new ServiceBusClient(h.serviceBus.connectionString);
  await client.createSender(NOTIFICATIONS_QUEUE).sendMessages({ body: { kind: 'watch', mailbox: room } });
  await client.close();
  await h.settle();
}

const outcome = (room: string, code: Code) =>
  h.connector().stores.transactions.getTransaction(mailboxOutcomeId(room, code, new Date()));

describe('two-way sync: lifecycle notifications', () => {
  it('recreates a subscription Graph removed', async () => {
    const { room, subscription } = await subscribed();
    await h.sandbox.graph.sendLifecycle(subscription.id, 'subscriptionRemoved');
    const replacement = await eventually(
      'a new subscription',
      () => h.sandbox.graph.subscriptions(room)[0],
      15_000,
    );
    expect(replacement.id).not.toBe(subscription.id);
    await h.settle();
    expect((await h.connector().stores.mailboxSync.getSubscription(room))?.subscriptionId).toBe(
      replacement.id,
    );
  });

  it('reauthorizes when Graph asks to', async () => {
    const { room, subscription } = await subscribed();
    await h.sandbox.graph.sendLifecycle(subscription.id, 'reauthorizationRequired');
    await h.settle();
    const paths = h.sandbox.graph.counters.requestLog(room).map((entry) => `${entry.method} ${entry.path}`);
    expect(paths).toContain(`POST /v1.0/subscriptions/${subscription.id}/reauthorize`);
  });

  it('runs the mailbox’s delta on missed, catching a change whose notification was lost', async () => {
    const { room, appointmentId, subscription, eventId } = await subscribed();
    h.sandbox.graph.loseNotifications(room, true);
    h.sandbox.graph.deleteInOutlook(room, eventId);
    await h.settle();
    expect(h.published.filter((m) => m.appointmentId === appointmentId)).toEqual([]);
    await h.sandbox.graph.sendLifecycle(subscription.id, 'missed');
    await h.settle();
    expect(h.published.filter((m) => m.appointmentId === appointmentId).map((m) => m.change)).toEqual([
      'deleted',
    ]);
  });
});

describe('two-way sync: the subscription timer and resource changes', () => {
  it('renews a subscription close to expiry and recreates one Graph no longer has', async () => {
    const renewed = await subscribed();
    const lost = await subscribed();
    const soon = new Date(Date.now() + 3_600_000);
    for (const { room, subscription } of [renewed, lost])
      await h.connector().stores.mailboxSync.putSubscription({
        mailbox: room,
        subscriptionId: subscription.id,
        expiresAt: soon,
      });
    h.sandbox.graph.expireSubscription(lost.subscription.id);
    await h.runRenewal();
    const [kept] = h.sandbox.graph.subscriptions(renewed.room);
    expect(kept?.id).toBe(renewed.subscription.id);
    expect(Date.parse(kept?.expirationDateTime ?? '')).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const [replacement] = h.sandbox.graph.subscriptions(lost.room);
    expect(replacement?.id).toBeDefined();
    expect(replacement?.id).not.toBe(lost.subscription.id);
    const stored = await h.connector().stores.mailboxSync.getSubscription(lost.room);
    expect(stored?.subscriptionId).toBe(replacement?.id);
  });

  it('replaces a subscription made with a clientState since rotated, and accepts its notifications', async () => {
    const { room, subscription, eventId, appointmentId } = await subscribed();
    const rotated = `rotated-${randomUUID()}`;
    h.setSetting('GRAPH_CLIENT_STATE', rotated);
    await h.runRenewal();
    const [replacement] = h.sandbox.graph.subscriptions(room);
    expect(replacement?.id).not.toBe(subscription.id);
    expect(replacement?.clientState).toBe(rotated);
    expect((await h.connector().stores.mailboxSync.getSubscription(room))?.subscriptionId).toBe(
      replacement?.id,
    );
    h.sandbox.graph.declineInOutlook(room, eventId);
    await h.settle();
    await eventually('the decline published', () =>
      h.published.some((m) => m.appointmentId === appointmentId && m.change === 'declined'),
    );
  });

  it('removes the subscription when the resource is disabled', async () => {
    const { room } = await subscribed();
    await h.send({
      ...resourceChange({ id: 'R-1', mailbox: room, exchangeEnabled: false }, new Date().toISOString()),
      changeId: randomUUID(),
    });
    await eventually(
      'the subscription to go',
      () => h.sandbox.graph.subscriptions(room).length === 0,
      15_000,
    );
    await h.settle();
    expect(await h.connector().stores.mailboxSync.getSubscription(room)).toBeUndefined();
  });
});

describe('two-way sync: diagnosed subscription failures', () => {
  it('records DSEX071 when the mailbox has reached its subscription limit', async () => {
    const room = mailbox();
    h.sandbox.graph.setSubscriptionLimit(0);
    await watch(room);
    expect(await outcome(room, 'DSEX071')).toMatchObject({
      operation: 'exchangeChange',
      status: 'Failed',
      code: 'DSEX071',
    });
  });

  it('records DSEX072 when Graph denies the subscription', async () => {
    const room = mailbox();
    h.sandbox.graph.failMailbox(room, 'accessDenied');
    await watch(room);
    const row = await outcome(room, 'DSEX072');
    expect(row?.message).toContain('Calendars.Read');
  });

  it('records DSEX070 when Graph cannot validate the notification URL', async () => {
    const room = mailbox();
    h.setSetting('GRAPH_WEBHOOK_BASE_URL', 'http://127.0.0.1:9');
    await watch(room);
    const row = await outcome(room, 'DSEX070');
    expect(row?.message).toMatch(/^\[DSEX070\] Microsoft Graph could not validate the notification URL/);
    expect(h.sandbox.graph.subscriptions(room)).toEqual([]);
  });
});

describe('two-way sync settings that cannot be used', () => {
  it('records DSEX075 once a day, counting the runs, and subscribes nothing', async () => {
    h.setSetting('GRAPH_CLIENT_STATE', 'too-short');
    await h.runRenewal();
    await h.runPeriodicDelta();
    const row = await outcome('two-way sync settings', 'DSEX075');
    expect(row).toMatchObject({
      operation: 'exchangeChange',
      status: 'InvalidBackOfficeSettings',
      code: 'DSEX075',
      attempts: 2,
    });
    expect(row?.message).toMatch(/^\[DSEX075\] Two-way sync is on .* GRAPH_CLIENT_STATE/);
    expect(row?.message).not.toContain('too-short');
  });
});
