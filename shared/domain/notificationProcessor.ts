import { catalogueEntry } from './catalogue';
import { parseNotificationMessage } from './graphNotification';
import type { DeltaRunSummary, MailboxDelta } from './mailboxDelta';
import type { MailboxSubscriptions } from './mailboxSubscriptions';
import { PerKeyQueue } from './perKeyQueue';
import type { OperationalLog } from './ports';
import type { MailboxSyncStore } from './twoWayPorts';

/** One mailbox's delta runs one at a time inside an instance. */
const mailboxQueue = new PerKeyQueue();

export interface NotificationProcessorDependencies {
  readonly sync: MailboxSyncStore;
  readonly delta: MailboxDelta;
  readonly subscriptions: MailboxSubscriptions;
  readonly log: OperationalLog;
}

/**
 * One message of EXCHANGE_NOTIFICATIONS_QUEUE: a change notification runs its mailbox's delta (the
 * truth), a lifecycle event keeps the subscription alive or catches up, watch/unwatch follow resources.
 */
export async function processNotification(
  deps: NotificationProcessorDependencies,
  body: unknown,
): Promise<void> {
  const message = parseNotificationMessage(body);
  if (!message) {
    deps.log.info('notification ignored', { reason: 'not a notification message' });
    return;
  }
  if (message.kind === 'watch') {
    if (message.resourceId) await deps.sync.putMailboxResource(message.mailbox, message.resourceId);
    // The first delta of a newly watched mailbox is its baseline: later changes are compared with it.
    const subscribed = await deps.subscriptions.ensure(message.mailbox);
    if (!subscribed || (await deps.sync.getDeltaLink(message.mailbox))) return;
    const baseline = await runDelta(deps, message.mailbox, 'watch');
    // Without a baseline a later deletion cannot be told from an event never seen: redeliver soon.
    if (baseline.failedWith && ['retried', 'undiagnosed'].includes(catalogueEntry(baseline.failedWith).retry))
      throw new Error(`the first delta of ${message.mailbox} failed (${baseline.failedWith}); redelivering`);
    return;
  }
  if (message.kind === 'unwatch') {
    await deps.subscriptions.remove(message.mailbox);
    return;
  }
  const { subscriptionId } = message;
  if (message.kind === 'lifecycle' && message.lifecycleEvent === 'reauthorizationRequired') {
    await deps.subscriptions.reauthorize(subscriptionId);
    return;
  }
  if (message.kind === 'lifecycle' && message.lifecycleEvent === 'subscriptionRemoved') {
    await deps.subscriptions.recreate(subscriptionId);
    return;
  }
  const subscription = await deps.sync.findSubscription(subscriptionId);
  if (!subscription) {
    deps.log.info('notification ignored', { reason: 'unknown subscription', subscriptionId });
    return;
  }
  await runDelta(deps, subscription.mailbox, message.kind);
}

async function runDelta(
  deps: NotificationProcessorDependencies,
  mailbox: string,
  trigger: string,
): Promise<DeltaRunSummary> {
  const summary = await mailboxQueue.run(mailbox, () => deps.delta.run(mailbox));
  deps.log.info('mailbox delta', { mailbox, trigger, ...summary });
  return summary;
}

/** The periodic catch-up: every subscribed mailbox's delta, four mailboxes at a time. */
export async function deltaForEveryMailbox(deps: NotificationProcessorDependencies): Promise<void> {
  const mailboxes = (await deps.sync.listSubscriptions()).map((s) => s.mailbox);
  let next = 0;
  const worker = async () => {
    while (next < mailboxes.length) {
      const mailbox = mailboxes[next++] as string;
      await runDelta(deps, mailbox, 'timer');
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}
