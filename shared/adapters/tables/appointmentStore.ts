import type { AppointmentSnapshot } from '../../domain/changeMessage';
import type { AppointmentState, AppointmentStore } from '../../domain/ports';
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
import { saveIfNewer } from './saveIfNewer';
import type { TableAccess } from './tableClients';

/** The newest state received per appointment (PK = appointment id, RK = ''). */
export class TableAppointmentStore implements AppointmentStore {
  constructor(private readonly tables: TableAccess) {}

  async getAppointment(appointmentId: string): Promise<AppointmentState | undefined> {
    const entity = await this.tables.read('Appointments', encodeKey(appointmentId), '');
    if (!entity) return undefined;
    const snapshot = readJsonProperties<AppointmentSnapshot | undefined>(entity, 'Snapshot', undefined);
    return {
      appointmentId,
      version: asNumber(entity.Version) ?? 0,
      changeId: asString(entity.ChangeId) ?? '',
      deleted: asBoolean(entity.Deleted) ?? false,
      ...optional('snapshot', snapshot),
      receivedAt: asDate(entity.ReceivedAt) ?? new Date(0),
    };
  }

  saveAppointmentIfNewer(state: AppointmentState): Promise<boolean> {
    return saveIfNewer(this.tables, {
      table: 'Appointments',
      partitionKey: encodeKey(state.appointmentId),
      rowKey: '',
      properties: {
        Version: double(state.version),
        ChangeId: cut(state.changeId),
        Deleted: state.deleted,
        ...(state.snapshot ? jsonProperties('Snapshot', state.snapshot) : {}),
        ReceivedAt: state.receivedAt,
      },
      supersedes: (stored) => state.version >= (asNumber(stored.Version) ?? Number.NEGATIVE_INFINITY),
    });
  }
}
