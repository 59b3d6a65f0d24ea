import type { HistoryEntry } from '../../domain/appointmentHistory';
import type { AppointmentSnapshot } from '../../domain/changeMessage';
import type { AppointmentState, AppointmentStore, EventMapping, StoredAppointment } from '../../domain/ports';
import { historyEntity } from './appointmentHistory';
import {
  asBoolean,
  asDate,
  asNumber,
  asString,
  cut,
  double,
  jsonProperties,
  optional,
  readJsonProperties,
} from './entityValues';
import { encodeKey } from './keys';
import { writeUnderEtag } from './saveIfNewer';
import type { Entity, TableAccess } from './tableClients';

/** How a mapping is kept inside the appointment's entity (dates as ISO strings). */
interface MappingColumn {
  readonly resourceId: string;
  readonly mailbox: string;
  readonly eventId: string;
  readonly updatedAt: string;
  /** The event's changeKey after the connector's last write (two-way sync's echo check). */
  readonly changeKey?: string;
}

function stateOf(appointmentId: string, entity: Entity): AppointmentState | undefined {
  const version = asNumber(entity.Version);
  if (version === undefined) return undefined;
  const snapshot = readJsonProperties<AppointmentSnapshot | undefined>(entity, 'Snapshot', undefined);
  return {
    appointmentId,
    version,
    changeId: asString(entity.ChangeId) ?? '',
    deleted: asBoolean(entity.Deleted) ?? false,
    ...optional('snapshot', snapshot),
    receivedAt: asDate(entity.ReceivedAt) ?? new Date(0),
  };
}

function fromEntity(appointmentId: string, entity: Entity | undefined): StoredAppointment {
  if (!entity) return { appointmentId, mappings: [], openTransactions: [] };
  const state = stateOf(appointmentId, entity);
  const mappings = readJsonProperties<MappingColumn[]>(entity, 'Mappings', []).map((m) => ({
    appointmentId,
    resourceId: m.resourceId,
    mailbox: m.mailbox,
    eventId: m.eventId,
    updatedAt: new Date(m.updatedAt),
    ...optional('changeKey', m.changeKey),
  }));
  return {
    appointmentId,
    ...optional('state', state),
    mappings,
    openTransactions: readJsonProperties<string[]>(entity, 'OpenTransactions', []),
    etag: String(entity.etag),
  };
}

function toProperties(stored: StoredAppointment): Entity {
  const { state } = stored;
  const mappings: MappingColumn[] = stored.mappings.map((m: EventMapping) => ({
    resourceId: m.resourceId,
    mailbox: m.mailbox,
    eventId: m.eventId,
    updatedAt: m.updatedAt.toISOString(),
    ...optional('changeKey', m.changeKey),
  }));
  return {
    ...(state
      ? {
          Version: double(state.version),
          ChangeId: cut(state.changeId),
          Deleted: state.deleted,
          ...(state.snapshot ? jsonProperties('Snapshot', state.snapshot) : {}),
          ReceivedAt: state.receivedAt,
        }
      : {}),
    ...jsonProperties('Mappings', mappings),
    ...jsonProperties('OpenTransactions', stored.openTransactions),
  };
}

/**
 * Per appointment one entity (PK = appointment id, RK = ''): the newest state received, the
 * Exchange event of each resource, and the transactions still open. One read and one conditional
 * write per change; the history entries of its rows live in the same partition (`historyEntity`),
 * so a new row's entry rides in that write's entity-group transaction.
 */
export class TableAppointmentStore implements AppointmentStore {
  constructor(private readonly tables: TableAccess) {}

  async getAppointment(appointmentId: string): Promise<StoredAppointment> {
    return fromEntity(appointmentId, await this.tables.read('Appointments', encodeKey(appointmentId), ''));
  }

  async updateAppointment(
    stored: StoredAppointment,
    update: (current: StoredAppointment) => StoredAppointment,
    listed?: HistoryEntry,
  ): Promise<StoredAppointment> {
    const { appointmentId } = stored;
    let next = stored;
    const first = stored.etag === undefined ? null : { etag: stored.etag };
    const written = await writeUnderEtag(
      this.tables,
      { table: 'Appointments', partitionKey: encodeKey(appointmentId), rowKey: '' },
      (entity) => {
        next = update(entity === first ? stored : fromEntity(appointmentId, entity));
        return toProperties(next);
      },
      first,
      listed ? [historyEntity(listed)] : [],
    );
    return { ...next, ...optional('etag', written?.etag) };
  }

  async addToHistory(entry: HistoryEntry): Promise<void> {
    await this.tables.call('Appointments', (client) => client.upsertEntity(historyEntity(entry), 'Replace'));
  }
}
