import type { BusyBlockMessage, RememberedBlock } from './busyBlockChange';
import type { ConnectorTag } from './connectorTag';
import type { ExchangeCredentials } from './credentials';
import type { ExchangeChangeMessage } from './exchangeChange';

/** What the connector last saw of an event in a mailbox's delta: the baseline of the next comparison. */
export interface ObservedEvent {
  readonly mailbox: string;
  readonly eventId: string;
  /** Absent: not an event the connector wrote (issue 21 publishes busy blocks for those). */
  readonly tag?: ConnectorTag;
  readonly changeKey?: string;
  /** `comparableTime` of start and end. */
  readonly start?: string;
  readonly end?: string;
  readonly isAllDay?: boolean;
  readonly response?: string;
  /** `detailsHash` of subject and location (never the text). */
  readonly details?: string;
  /** Of a foreign event: the busy block last published for it (its details hashed), if any. */
  readonly block?: RememberedBlock;
  readonly seenAt: Date;
}

/** The connector's subscription to one mailbox's events. */
export interface SubscriptionRecord {
  readonly mailbox: string;
  readonly subscriptionId: string;
  readonly expiresAt: Date;
  /** `clientStateDigest` of the clientState it was made with; absent on records older than it. */
  readonly clientStateDigest?: string;
}

/** Subscriptions, delta links and observed events, per mailbox (table `MailboxSync`). */
export interface MailboxSyncStore {
  getSubscription(mailbox: string): Promise<SubscriptionRecord | undefined>;
  findSubscription(subscriptionId: string): Promise<SubscriptionRecord | undefined>;
  listSubscriptions(): Promise<SubscriptionRecord[]>;
  putSubscription(record: SubscriptionRecord): Promise<void>;
  deleteSubscription(mailbox: string): Promise<void>;
  getDeltaLink(mailbox: string): Promise<string | undefined>;
  /** Undefined forgets it (the next delta is a full round). */
  putDeltaLink(mailbox: string, deltaLink: string | undefined): Promise<void>;
  getObserved(mailbox: string, eventId: string): Promise<ObservedEvent | undefined>;
  listObserved(mailbox: string): Promise<ObservedEvent[]>;
  putObserved(observed: ObservedEvent): Promise<void>;
  deleteObserved(mailbox: string, eventId: string): Promise<void>;
  /** The resource whose mailbox it is, as the last watch request named it. */
  getMailboxResource(mailbox: string): Promise<string | undefined>;
  putMailboxResource(mailbox: string, resourceId: string): Promise<void>;
}

/** One page of a calendar delta: raw items, then a next link or, on the last page, a delta link. */
export interface DeltaPage {
  readonly items: readonly unknown[];
  readonly nextLink?: string;
  readonly deltaLink?: string;
}

export interface SubscriptionRequest {
  readonly mailbox: string;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl: string;
  readonly clientState: string;
  readonly expiresAt: Date;
}

/** A mailbox's subscriptions and calendar delta through Microsoft Graph. Throws `GraphRequestError`. */
export interface MailboxGateway {
  /** The first page of a full round over the window, or the page a next/delta link points to. */
  deltaPage(
    mailbox: string,
    from: { readonly link: string } | { readonly windowStart: Date; readonly windowEnd: Date },
  ): Promise<DeltaPage>;
  /** A single-value extended property of an event: its value, `undefined` when unset, `null` when the event is gone. */
  readProperty(mailbox: string, eventId: string, propertyId: string): Promise<string | undefined | null>;
  createSubscription(request: SubscriptionRequest): Promise<{ id: string; expiresAt: Date }>;
  renewSubscription(mailbox: string, subscriptionId: string, expiresAt: Date): Promise<Date>;
  deleteSubscription(mailbox: string, subscriptionId: string): Promise<void>;
  reauthorizeSubscription(mailbox: string, subscriptionId: string): Promise<void>;
}

export type MailboxGatewayFactory = (credentials: ExchangeCredentials) => MailboxGateway;

/** Puts messages on BACKOFFICE_CHANGES_QUEUE with their deterministic ids (duplicates are dropped). */
export interface ChangePublisher {
  publish(messages: readonly (ExchangeChangeMessage | BusyBlockMessage)[]): Promise<void>;
}
