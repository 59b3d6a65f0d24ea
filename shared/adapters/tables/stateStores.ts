import { odata } from '@azure/data-tables';
import type { AppointmentSnapshot } from '../../domain/changeMessage';
import type {
  AppointmentState,
  AppointmentStore,
  EventMapping,
  MappingStore,
  ResourceState,
  ResourceStore,
} from '../../domain/ports';
import { asDate, asNumber, asString, cut, double, key, parseJson } from './keys';
import { statusOf, type TableAccess, type TableName, unlessMissing } from './tableClients';

const RACE_RETRIES = 5;

/**
 * Saves an entity unless the stored one is newer: insert when absent, replace under the read ETag
 * otherwise, and decide again when another writer got in between (409 / 412).
 */
async function saveIfNewer(
  tables: TableAccess,
  table: TableName,
  partitionKey: string,
  rowKey: string,
  entity: Record<string, unknown>,
  isNewer: (stored: Record<string, unknown>) => boolean,
): Promise<boolean> {
  for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
    const stored = await tables.read(table, partitionKey, rowKey);
    try {
      if (!stored) {
        await tables.call(table, (c) => c.createEntity({ partitionKey, rowKey, ...entity }));
        return true;
      }
      if (!isNewer(stored)) return false;
      await tables.call(table, (c) =>
        c.updateEntity({ partitionKey, rowKey, ...entity }, 'Replace', {
          etag: asString(stored.etag) ?? '*',
        }),
      );
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status !== 409 && status !== 412) throw error;
    }
  }
  throw new Error(`${table} ${rowKey}: too many concurrent writers`);
}

/** The newest state received per appointment (PK = appointment id). */
export class TableAppointmentStore implements AppointmentStore {
  constructor(private readonly tables: TableAccess) {}

  async getAppointment(appointmentId: string): Promise<AppointmentState | undefined> {
    const entity = await this.tables.read('Appointments', key(appointmentId), '');
    if (!entity) return undefined;
    const snapshot = parseJson<AppointmentSnapshot | undefined>(entity.Snapshot, undefined);
    return {
      appointmentId,
      version: asNumber(entity.Version) ?? 0,
      changeId: asString(entity.ChangeId) ?? '',
      deleted: entity.Deleted === true,
      ...(snapshot ? { snapshot } : {}),
      receivedAt: asDate(entity.ReceivedAt) ?? new Date(0),
    };
  }

  saveAppointmentIfNewer(state: AppointmentState): Promise<boolean> {
    return saveIfNewer(
      this.tables,
      'Appointments',
      key(state.appointmentId),
      '',
      {
        Version: double(state.version),
        ChangeId: cut(state.changeId),
        Deleted: state.deleted,
        ...(state.snapshot ? { Snapshot: cut(JSON.stringify(state.snapshot)) } : {}),
        ReceivedAt: state.receivedAt,
      },
      (stored) => state.version >= (asNumber(stored.Version) ?? 0),
    );
  }
}

/** Appointment + resource → event (PK = appointment id, RK = resource id). */
export class TableMappingStore implements MappingStore {
  constructor(private readonly tables: TableAccess) {}

  async listMappings(appointmentId: string): Promise<EventMapping[]> {
    const client = await this.tables.client('Mappings');
    const mappings: EventMapping[] = [];
    const pages = client
      .listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${key(appointmentId)}` },
      })
      .byPage({ maxPageSize: 1000 });
    for await (const page of pages) {
      this.tables.countPage(page.length);
      for (const entity of page) {
        mappings.push({
          appointmentId,
          resourceId: asString(entity.ResourceId) ?? '',
          mailbox: asString(entity.Mailbox) ?? '',
          eventId: asString(entity.EventId) ?? '',
          updatedAt: asDate(entity.UpdatedAt) ?? new Date(0),
        });
      }
    }
    return mappings;
  }

  async putMapping(mapping: EventMapping): Promise<void> {
    await this.tables.call('Mappings', (c) =>
      c.upsertEntity(
        {
          partitionKey: key(mapping.appointmentId),
          rowKey: key(mapping.resourceId),
          ResourceId: mapping.resourceId,
          Mailbox: mapping.mailbox,
          EventId: mapping.eventId,
          UpdatedAt: mapping.updatedAt,
        },
        'Replace',
      ),
    );
  }

  async deleteMapping(appointmentId: string, resourceId: string): Promise<void> {
    await unlessMissing(
      this.tables.call('Mappings', (c) => c.deleteEntity(key(appointmentId), key(resourceId))),
    );
  }
}

/** The newest state of each resource (PK = `resource`, RK = resource id). */
export class TableResourceStore implements ResourceStore {
  constructor(private readonly tables: TableAccess) {}

  async getResources(resourceIds: readonly string[]): Promise<Map<string, ResourceState>> {
    const found = await Promise.all(
      [...new Set(resourceIds)].map(async (id) => {
        const entity = await this.tables.read('Resources', 'resource', key(id));
        if (!entity) return undefined;
        const state: ResourceState = {
          id,
          name: asString(entity.Name) ?? id,
          mailbox: asString(entity.Mailbox) ?? '',
          exchangeEnabled: entity.ExchangeEnabled === true,
          changedAt: asDate(entity.ChangedAt) ?? new Date(0),
        };
        return [id, state] as const;
      }),
    );
    return new Map(found.filter((entry) => entry !== undefined));
  }

  saveResourceIfNewer(state: ResourceState): Promise<boolean> {
    return saveIfNewer(
      this.tables,
      'Resources',
      'resource',
      key(state.id),
      {
        Name: state.name,
        Mailbox: state.mailbox,
        ExchangeEnabled: state.exchangeEnabled,
        ChangedAt: state.changedAt,
      },
      (stored) => state.changedAt.getTime() >= (asDate(stored.ChangedAt)?.getTime() ?? 0),
    );
  }
}
