import { odata } from '@azure/data-tables';
import type { EventMapping, MappingStore } from '../../domain/ports';
import { asDate, asString, cut } from './entityValues';
import { encodeKey } from './keys';
import { unlessMissing } from './restErrors';
import type { TableAccess } from './tableClients';

/** The Exchange event of each resource of an appointment (PK = appointment id, RK = resource id). */
export class TableMappingStore implements MappingStore {
  constructor(private readonly tables: TableAccess) {}

  async listMappings(appointmentId: string): Promise<EventMapping[]> {
    const entities = await this.tables.all('Mappings', {
      filter: odata`PartitionKey eq ${encodeKey(appointmentId)}`,
    });
    return entities.map((entity) => ({
      appointmentId,
      resourceId: asString(entity.ResourceId) ?? '',
      mailbox: asString(entity.Mailbox) ?? '',
      eventId: asString(entity.EventId) ?? '',
      updatedAt: asDate(entity.UpdatedAt) ?? new Date(0),
    }));
  }

  async putMapping(mapping: EventMapping): Promise<void> {
    const entity = {
      partitionKey: encodeKey(mapping.appointmentId),
      rowKey: encodeKey(mapping.resourceId),
      ResourceId: cut(mapping.resourceId),
      Mailbox: cut(mapping.mailbox),
      EventId: cut(mapping.eventId),
      UpdatedAt: mapping.updatedAt,
    };
    await this.tables.call('Mappings', (client) => client.upsertEntity(entity, 'Replace'));
  }

  async deleteMapping(appointmentId: string, resourceId: string): Promise<void> {
    await unlessMissing(
      this.tables.call('Mappings', (client) =>
        client.deleteEntity(encodeKey(appointmentId), encodeKey(resourceId)),
      ),
    );
  }
}
