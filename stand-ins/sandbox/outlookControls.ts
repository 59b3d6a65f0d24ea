import type { DateTimeTimeZone } from './calendars';
import type { GraphState } from './graphState';
import type { Delivery } from './notifier';
import {
  createSeries,
  deleteWithOccurrences,
  type OutlookEventFields,
  type OutlookSeries,
  outlookEventJson,
} from './outlookEvents';
import type { LifecycleEvent, Subscription } from './subscriptions';

/** What a resource does in Outlook, and what Graph's change notifications and delta do about it. */
export interface OutlookControls {
  /** Moves an event as the resource would in Outlook (start and end as ISO instants). False if there was none. */
  moveInOutlook(mailbox: string, eventId: string, start: string, end: string): boolean;
  /** The resource makes an event of its own in Outlook (no connector tag); answers its id. */
  createInOutlook(mailbox: string, fields: OutlookEventFields): string;
  /** The resource changes its own event (times in any zone, show-as, sensitivity, …). False if there was none. */
  changeInOutlook(mailbox: string, eventId: string, fields: Partial<OutlookEventFields>): boolean;
  /** The resource deletes an event in Outlook (a series master with its occurrences). False if there was none. */
  deleteInOutlook(mailbox: string, eventId: string): boolean;
  /** A recurring series: one occurrence per instance, each with the series master's id. */
  createSeriesInOutlook(
    mailbox: string,
    fields: OutlookEventFields,
    instances: readonly { start: DateTimeTimeZone; end: DateTimeTimeZone }[],
  ): OutlookSeries;
  /** The resource declines the event in Outlook. */
  declineInOutlook(mailbox: string, eventId: string): boolean;
  /** The resource tentatively accepts the event in Outlook. */
  tentativeInOutlook(mailbox: string, eventId: string): boolean;
  /** The event's single-value extended properties, as the client wrote them. */
  extendedProperties(mailbox: string, eventId: string): Array<{ id: string; value: string }>;
  /** Active subscriptions, of one mailbox or all (copies). */
  subscriptions(mailbox?: string): Subscription[];
  /** Moves a subscription's expiry into the past: Graph then forgets it and stops notifying. */
  expireSubscription(subscriptionId: string): void;
  /** Sends a lifecycle notification (`subscriptionRemoved` also removes the subscription). */
  sendLifecycle(subscriptionId: string, event: LifecycleEvent): Promise<void>;
  /** While on, change notifications of the mailbox are lost on the way. */
  loseNotifications(mailbox: string, lose: boolean): void;
  /** Every delta and skip token issued for the mailbox so far answers 410 syncStateNotFound. */
  expireDeltaTokens(mailbox: string): void;
  /** Subscriptions a mailbox may have (default 1,000). */
  setSubscriptionLimit(limit: number): void;
  /** How long the validation handshake may take (default 10 s, as Graph). */
  setValidationTimeout(ms: number): void;
  /** Items per delta page (default 50). */
  setDeltaPageSize(size: number): void;
  /** Resolves once every notification sent so far has been answered. */
  notificationsDelivered(): Promise<void>;
  /** Notifications and lifecycle notifications delivered so far, with the webhook's status. */
  deliveries(): Delivery[];
}

export function outlookControls(state: GraphState): OutlookControls {
  const { calendars, subscriptions, notifier, delta } = state;
  const key = (mailbox: string) => mailbox.toLowerCase();
  return {
    moveInOutlook: (mailbox, eventId, start, end) => {
      const utc = (iso: string) => ({
        dateTime: new Date(iso).toISOString().replace('Z', ''),
        timeZone: 'UTC',
      });
      return calendars.update(key(mailbox), eventId, { start: utc(start), end: utc(end) }) !== undefined;
    },
    createInOutlook: (mailbox, fields) =>
      calendars.create(key(mailbox), outlookEventJson(fields), key(mailbox)).event.id,
    changeInOutlook: (mailbox, eventId, fields) =>
      calendars.update(key(mailbox), eventId, outlookEventJson(fields)) !== undefined,
    deleteInOutlook: (mailbox, eventId) => deleteWithOccurrences(calendars, key(mailbox), eventId),
    createSeriesInOutlook: (mailbox, fields, instances) =>
      createSeries(calendars, key(mailbox), fields, instances),
    declineInOutlook: (mailbox, eventId) =>
      calendars.respond(key(mailbox), eventId, 'declined') !== undefined,
    tentativeInOutlook: (mailbox, eventId) =>
      calendars.respond(key(mailbox), eventId, 'tentativelyAccepted') !== undefined,
    extendedProperties: (mailbox, eventId) => calendars.properties.of(`${key(mailbox)}\n${eventId}`),
    subscriptions: (mailbox) => structuredClone(subscriptions.list(mailbox && key(mailbox))),
    expireSubscription: (subscriptionId) => {
      const subscription = subscriptions.get(subscriptionId);
      if (subscription) subscription.expirationDateTime = new Date(Date.now() - 1000).toISOString();
    },
    sendLifecycle: async (subscriptionId, event) => {
      const subscription = subscriptions.get(subscriptionId);
      if (!subscription) throw new Error(`no subscription ${subscriptionId}`);
      if (event === 'subscriptionRemoved') subscriptions.delete(subscriptionId);
      await notifier.notifyLifecycle(subscription, event);
    },
    loseNotifications: (mailbox, lose) => {
      if (lose) notifier.losing.add(key(mailbox));
      else notifier.losing.delete(key(mailbox));
    },
    expireDeltaTokens: (mailbox) => delta.expireTokens(key(mailbox)),
    setSubscriptionLimit: (limit) => {
      subscriptions.limitPerMailbox = limit;
    },
    setValidationTimeout: (ms) => {
      notifier.validationTimeoutMs = ms;
    },
    setDeltaPageSize: (size) => {
      delta.pageSize = size;
    },
    notificationsDelivered: () => notifier.settled(),
    deliveries: () => [...notifier.deliveries],
  };
}
