import { encodeKey } from '../../../shared/adapters/tables/keys';
import type {
  AppointmentState,
  AppointmentStore,
  EventMapping,
  MappingStore,
  ResourceState,
  ResourceStore,
} from '../../../shared/domain/ports';
import { stored, tableKey } from './entities';

/** Appointments as `TableAppointmentStore` keeps them: an equal version counts as newer (redelivery). */
export class InMemoryAppointmentStore implements AppointmentStore {
  private readonly rows = new Map<string, AppointmentState>();

  async getAppointment(appointmentId: string): Promise<AppointmentState | undefined> {
    const row = this.rows.get(appointmentId);
    return row ? stored(row) : undefined;
  }

  async saveAppointmentIfNewer(state: AppointmentState): Promise<boolean> {
    tableKey(state.appointmentId);
    const current = this.rows.get(state.appointmentId);
    if (current && !(state.version >= current.version)) return false;
    this.rows.set(state.appointmentId, stored(state));
    return true;
  }
}

/** Mappings as `TableMappingStore` keeps them: listed in row-key order, a missing delete is no error. */
export class InMemoryMappingStore implements MappingStore {
  private readonly byAppointment = new Map<string, Map<string, EventMapping>>();

  async listMappings(appointmentId: string): Promise<EventMapping[]> {
    const rows = [...(this.byAppointment.get(appointmentId)?.values() ?? [])];
    return rows
      .sort((a, b) => (encodeKey(a.resourceId) < encodeKey(b.resourceId) ? -1 : 1))
      .map((row) => stored(row));
  }

  async putMapping(mapping: EventMapping): Promise<void> {
    tableKey(mapping.appointmentId);
    tableKey(mapping.resourceId);
    const rows = this.byAppointment.get(mapping.appointmentId) ?? new Map<string, EventMapping>();
    rows.set(mapping.resourceId, stored(mapping));
    this.byAppointment.set(mapping.appointmentId, rows);
  }

  async deleteMapping(appointmentId: string, resourceId: string): Promise<void> {
    this.byAppointment.get(appointmentId)?.delete(resourceId);
  }
}

/** Resources as `TableResourceStore` keeps them: an equal `changedAt` counts as newer (redelivery). */
export class InMemoryResourceStore implements ResourceStore {
  private readonly rows = new Map<string, ResourceState>();

  async getResources(resourceIds: readonly string[]): Promise<Map<string, ResourceState>> {
    const found = new Map<string, ResourceState>();
    for (const id of new Set(resourceIds)) {
      const row = this.rows.get(id);
      if (row) found.set(id, stored(row));
    }
    return found;
  }

  async saveResourceIfNewer(state: ResourceState): Promise<boolean> {
    tableKey(state.id);
    const current = this.rows.get(state.id);
    if (current && !(state.changedAt.getTime() >= current.changedAt.getTime())) return false;
    this.rows.set(state.id, stored(state));
    return true;
  }
}
