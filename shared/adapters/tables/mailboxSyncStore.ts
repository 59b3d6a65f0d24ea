import { odata } from '@azure/data-tables';
import type { RememberedBlock } from '../../domain/busyBlockChange';
import { connectorTagValue, parseConnectorTag } from '../../domain/connectorTag';
import type { MailboxSyncStore, ObservedEvent, SubscriptionRecord } from '../../domain/twoWayPorts';
import { asBoolean, asDate, asString, cut, optional } from './entityValues';
import { encodeKey } from './keys';
import { unlessMissing } from './restErrors';
import type { Entity, TableAccess } from './tableClients';

const SUBSCRIPTIONS = 'subscription';
const DELTA_LINKS = 'delta';
const RESOURCES = 'resource';
/** Observed events have a partition per mailbox: `event|<mailbox>`. */
const observedPartition = (mailbox: string) => `event|${encodeKey(mailbox.toLowerCase())}`;
const mailboxKey = (mailbox: string) => encodeKey(mailbox.toLowerCase());

function toSubscription(entity: Entity): SubscriptionRecord {
  return {
    mailbox: asString(entity.Mailbox) ?? '',
    subscriptionId: asString(entity.SubscriptionId) ?? '',
    expiresAt: asDate(entity.ExpiresAt) ?? new Date(0),
    ...optional('clientStateDigest', asString(entity.ClientStateDigest)),
  };
}

/** The block as written by putObserved (JSON, details hashed); anything else is no block. */
function blockOf(text: string | undefined): { block?: RememberedBlock } {
  if (!text) return {};
  try {
    const block: unknown = JSON.parse(text);
    return typeof block === 'object' && block !== null ? { block: block as RememberedBlock } : {};
  } catch {
    return {};
  }
}

function toObserved(mailbox: string, entity: Entity): ObservedEvent {
  const tag = parseConnectorTag(asString(entity.Tag) ?? '');
  return {
    mailbox,
    eventId: asString(entity.EventId) ?? '',
    ...(tag ? { tag } : {}),
    ...optional('changeKey', asString(entity.ChangeKey)),
    ...optional('start', asString(entity.Start)),
    ...optional('end', asString(entity.End)),
    ...optional('isAllDay', asBoolean(entity.IsAllDay)),
    ...optional('response', asString(entity.Response)),
    ...optional('details', asString(entity.Details)),
    ...blockOf(asString(entity.Block)),
    seenAt: asDate(entity.SeenAt) ?? new Date(0),
  };
}

/**
 * Table `MailboxSync`: the subscription of each mailbox (PK `subscription`, RK mailbox), its delta
 * link (PK `delta`), its resource (PK `resource`) and the events seen in its delta (PK
 * `event|<mailbox>`, RK event id).
 */
export class TableMailboxSyncStore implements MailboxSyncStore {
  constructor(private readonly tables: TableAccess) {}

  async getSubscription(mailbox: string): Promise<SubscriptionRecord | undefined> {
    const entity = await this.tables.read('MailboxSync', SUBSCRIPTIONS, mailboxKey(mailbox));
    return entity ? toSubscription(entity) : undefined;
  }

  async findSubscription(subscriptionId: string): Promise<SubscriptionRecord | undefined> {
    const [entity] = await this.tables.all('MailboxSync', {
      filter: odata`PartitionKey eq ${SUBSCRIPTIONS} and SubscriptionId eq ${subscriptionId.toLowerCase()}`,
    });
    return entity ? toSubscription(entity) : undefined;
  }

  async listSubscriptions(): Promise<SubscriptionRecord[]> {
    const entities = await this.tables.all('MailboxSync', {
      filter: odata`PartitionKey eq ${SUBSCRIPTIONS}`,
    });
    return entities.map(toSubscription);
  }

  async putSubscription(record: SubscriptionRecord): Promise<void> {
    const entity = {
      partitionKey: SUBSCRIPTIONS,
      rowKey: mailboxKey(record.mailbox),
      Mailbox: cut(record.mailbox.toLowerCase()),
      SubscriptionId: cut(record.subscriptionId.toLowerCase()),
      ExpiresAt: record.expiresAt,
      ...optional('ClientStateDigest', record.clientStateDigest),
    };
    await this.tables.call('MailboxSync', (client) => client.upsertEntity(entity, 'Replace'));
  }

  async deleteSubscription(mailbox: string): Promise<void> {
    await this.remove(SUBSCRIPTIONS, mailboxKey(mailbox));
  }

  async getDeltaLink(mailbox: string): Promise<string | undefined> {
    const entity = await this.tables.read('MailboxSync', DELTA_LINKS, mailboxKey(mailbox));
    return asString(entity?.DeltaLink) || undefined;
  }

  async putDeltaLink(mailbox: string, deltaLink: string | undefined): Promise<void> {
    if (deltaLink === undefined) return this.remove(DELTA_LINKS, mailboxKey(mailbox));
    const entity = { partitionKey: DELTA_LINKS, rowKey: mailboxKey(mailbox), DeltaLink: cut(deltaLink) };
    await this.tables.call('MailboxSync', (client) => client.upsertEntity(entity, 'Replace'));
  }

  async getObserved(mailbox: string, eventId: string): Promise<ObservedEvent | undefined> {
    const entity = await this.tables.read('MailboxSync', observedPartition(mailbox), encodeKey(eventId));
    return entity ? toObserved(mailbox, entity) : undefined;
  }

  async listObserved(mailbox: string): Promise<ObservedEvent[]> {
    const partition = observedPartition(mailbox);
    const entities = await this.tables.all('MailboxSync', { filter: odata`PartitionKey eq ${partition}` });
    return entities.map((entity) => toObserved(mailbox, entity));
  }

  async putObserved(observed: ObservedEvent): Promise<void> {
    const entity = {
      partitionKey: observedPartition(observed.mailbox),
      rowKey: encodeKey(observed.eventId),
      EventId: cut(observed.eventId),
      ...optional('Tag', observed.tag && cut(connectorTagValue(observed.tag))),
      ...optional('ChangeKey', observed.changeKey),
      ...optional('Start', observed.start),
      ...optional('End', observed.end),
      ...optional('IsAllDay', observed.isAllDay),
      ...optional('Response', observed.response),
      ...optional('Details', observed.details),
      ...optional('Block', observed.block && JSON.stringify(observed.block)),
      SeenAt: observed.seenAt,
    };
    await this.tables.call('MailboxSync', (client) => client.upsertEntity(entity, 'Replace'));
  }

  async deleteObserved(mailbox: string, eventId: string): Promise<void> {
    await this.remove(observedPartition(mailbox), encodeKey(eventId));
  }

  async getMailboxResource(mailbox: string): Promise<string | undefined> {
    const entity = await this.tables.read('MailboxSync', RESOURCES, mailboxKey(mailbox));
    return asString(entity?.ResourceId) || undefined;
  }

  async putMailboxResource(mailbox: string, resourceId: string): Promise<void> {
    const entity = { partitionKey: RESOURCES, rowKey: mailboxKey(mailbox), ResourceId: cut(resourceId) };
    await this.tables.call('MailboxSync', (client) => client.upsertEntity(entity, 'Replace'));
  }

  private async remove(partitionKey: string, rowKey: string): Promise<void> {
    await unlessMissing(
      this.tables.call('MailboxSync', (client) => client.deleteEntity(partitionKey, rowKey)),
    );
  }
}
