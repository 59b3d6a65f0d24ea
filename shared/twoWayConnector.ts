import { randomUUID } from 'node:crypto';
import type { ServiceBusClient } from '@azure/service-bus';
import type { GraphCalendarGateway } from './adapters/graphCalendarGateway';
import { GraphMailboxGateway } from './adapters/graphMailboxGateway';
import { ServiceBusJsonSender } from './adapters/serviceBusJsonSender';
import type { TableStores } from './adapters/tables';
import { ianaZoneOf } from './adapters/timeZones';
import type { ExchangeCredentials, SettingsResult } from './domain/credentials';
import type { NotificationMessage } from './domain/graphNotification';
import { MailboxDelta } from './domain/mailboxDelta';
import type { MailboxInterest } from './domain/mailboxInterest';
import { MailboxSubscriptions } from './domain/mailboxSubscriptions';
import { deltaForEveryMailbox, processNotification } from './domain/notificationProcessor';
import type { OperationalLog } from './domain/ports';
import type { TwoWaySettings } from './twoWaySettings';

/** Two-way sync wired to the connector's clients: one per process, like the connector itself. */
export interface TwoWay {
  readonly settings: TwoWaySettings;
  delta(log: OperationalLog): MailboxDelta;
  subscriptions(log: OperationalLog): MailboxSubscriptions;
  /** The periodic delta of every subscribed mailbox. */
  deltaForEveryMailbox(log: OperationalLog): Promise<void>;
  /** Handles one message of EXCHANGE_NOTIFICATIONS_QUEUE. */
  process(body: unknown, log: OperationalLog): Promise<void>;
  /** Puts messages on EXCHANGE_NOTIFICATIONS_QUEUE (the webhook, and watch/unwatch of mailboxes). */
  enqueue(
    messages: readonly { messageId: string; body: NotificationMessage; scheduledAt?: Date }[],
  ): Promise<void>;
  close(): Promise<void>;
}

export interface TwoWayParts {
  readonly settings: TwoWaySettings;
  readonly stores: TableStores;
  readonly serviceBus: ServiceBusClient;
  readonly graph: (credentials: ExchangeCredentials) => GraphCalendarGateway;
  readonly readCredentials: () => SettingsResult<ExchangeCredentials>;
  readonly secrets: () => string[];
}

export function buildTwoWay(parts: TwoWayParts): TwoWay {
  const { settings, stores } = parts;
  const backOffice = new ServiceBusJsonSender(parts.serviceBus, settings.backOfficeQueue, 'exchangeChange');
  const notifications = new ServiceBusJsonSender(
    parts.serviceBus,
    settings.notificationsQueue,
    'notification',
  );
  const gateways = (credentials: ExchangeCredentials) => new GraphMailboxGateway(parts.graph(credentials));
  const rows = (log: OperationalLog) => ({
    transactions: stores.transactions,
    log,
    secrets: parts.secrets,
    now: () => new Date(),
  });
  const delta = (log: OperationalLog) =>
    new MailboxDelta({
      ...rows(log),
      sync: stores.mailboxSync,
      appointments: stores.appointments,
      publisher: {
        publish: (messages) => backOffice.send(messages.map((body) => ({ messageId: body.changeId, body }))),
      },
      gateways,
      readCredentials: parts.readCredentials,
      windowDaysBack: settings.windowDaysBack,
      windowDaysAhead: settings.windowDaysAhead,
      publishDetailChanges: settings.publishDetailChanges,
      resources: stores.resources,
      unaligned: stores.unaligned,
      privacyDefault: settings.privacyDefault,
      ianaZoneOf,
    });
  const subscriptions = (log: OperationalLog) =>
    new MailboxSubscriptions({
      ...rows(log),
      sync: stores.mailboxSync,
      gateways,
      readCredentials: parts.readCredentials,
      webhookBaseUrl: settings.webhookBaseUrl,
      clientState: settings.clientState,
    });
  const processing = (log: OperationalLog) => ({
    sync: stores.mailboxSync,
    delta: delta(log),
    subscriptions: subscriptions(log),
    log,
  });
  return {
    settings,
    delta,
    subscriptions,
    deltaForEveryMailbox: (log) => deltaForEveryMailbox(processing(log)),
    process: (body, log) => processNotification(processing(log), body),
    enqueue: (messages) => notifications.send(messages),
    close: async () => {
      await backOffice.close();
      await notifications.close();
    },
  };
}

/** Watch requests of created events this process sent in the current hour (the broker drops repeats anyway). */
const askedThisHour = { hour: '', ids: new Set<string>() };

/**
 * Asks the notification processor to subscribe to (or stop watching) mailboxes. Creates in one
 * mailbox within the same hour share a message id, so a busy mailbox asks once an hour (and this
 * process sends it once); a resource change always gets through.
 */
export async function watchMailboxes(
  twoWay: SettingsResult<TwoWay | undefined>,
  interests: readonly MailboxInterest[],
): Promise<void> {
  if (!twoWay.ok || !twoWay.value) return;
  const hour = new Date().toISOString().slice(0, 13);
  if (askedThisHour.hour !== hour) Object.assign(askedThisHour, { hour, ids: new Set<string>() });
  const messages = [
    ...new Map(interests.map((i) => [`${i.mailbox.toLowerCase()}:${i.watch}`, i])).values(),
  ].map((interest) => {
    const mailbox = interest.mailbox.toLowerCase();
    const kind = interest.watch ? ('watch' as const) : ('unwatch' as const);
    const id = interest.cause === 'event created' ? hour : randomUUID();
    const body = interest.watch ? { kind, mailbox, resourceId: interest.resourceId } : { kind, mailbox };
    return { messageId: `${kind}:${mailbox}:${id}`, body };
  });
  const unsent = messages.filter((m) => !askedThisHour.ids.has(m.messageId));
  if (unsent.length === 0) return;
  await twoWay.value.enqueue(unsent);
  for (const message of unsent)
    if (message.messageId.endsWith(`:${hour}`)) askedThisHour.ids.add(message.messageId);
}
