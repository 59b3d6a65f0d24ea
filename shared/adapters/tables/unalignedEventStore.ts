import { odata } from '@azure/data-tables';
import type { UnalignedEvent, UnalignedEventStore } from '../../domain/unalignedEvent';
import { asDate, asString, cut, optional } from './entityValues';
import { encodeKey } from './keys';
import { unlessMissing } from './restErrors';
import type { Entity, TableAccess } from './tableClients';

/** One partition per resource in table `MailboxSync`: `unaligned|<resource id>`, RK event id. */
const partitionOf = (resourceId: string) => `unaligned|${encodeKey(resourceId)}`;

function toUnaligned(entity: Entity): UnalignedEvent {
  return {
    kind: asString(entity.Kind) === 'event gone' ? 'event gone' : 'no appointment',
    resourceId: asString(entity.ResourceId) ?? '',
    mailbox: asString(entity.Mailbox) ?? '',
    eventId: asString(entity.EventId) ?? '',
    appointmentId: asString(entity.AppointmentId) ?? '',
    ...optional('start', asString(entity.Start)),
    ...optional('end', asString(entity.End)),
    seen: asString(entity.Seen) ?? '',
    seenAt: asDate(entity.SeenAt) ?? new Date(0),
  };
}

export class TableUnalignedEventStore implements UnalignedEventStore {
  constructor(private readonly tables: TableAccess) {}

  async putUnaligned(event: UnalignedEvent): Promise<void> {
    const entity = {
      partitionKey: partitionOf(event.resourceId),
      rowKey: encodeKey(event.eventId),
      Kind: event.kind,
      ResourceId: cut(event.resourceId),
      Mailbox: cut(event.mailbox),
      EventId: cut(event.eventId),
      AppointmentId: cut(event.appointmentId),
      ...optional('Start', event.start),
      ...optional('End', event.end),
      Seen: cut(event.seen),
      SeenAt: event.seenAt,
    };
    await this.tables.call('MailboxSync', (client) => client.upsertEntity(entity, 'Replace'));
  }

  async listUnaligned(resourceId: string): Promise<UnalignedEvent[]> {
    const partition = partitionOf(resourceId);
    const entities = await this.tables.all('MailboxSync', { filter: odata`PartitionKey eq ${partition}` });
    return entities.map(toUnaligned);
  }

  async deleteUnaligned(resourceId: string, eventId: string): Promise<boolean> {
    const deleted = await unlessMissing(
      this.tables.call('MailboxSync', (client) =>
        client.deleteEntity(partitionOf(resourceId), encodeKey(eventId)),
      ),
    );
    return deleted !== undefined;
  }
}
