import type {
  AppointmentStore,
  ResourceState,
  ResourceStore,
  StoredAppointment,
} from '../../../shared/domain/ports';
import { nextEtag, stored, tableKey } from './entities';

/**
 * Appointments as `TableAppointmentStore` keeps them: one entity each (state, mappings, open
 * transactions) written under its ETag; a write that lost a race applies its update to the winner's.
 */
export class InMemoryAppointmentStore implements AppointmentStore {
  private readonly rows = new Map<string, StoredAppointment>();

  async getAppointment(appointmentId: string): Promise<StoredAppointment> {
    const row = this.rows.get(appointmentId);
    return row ? stored(row) : { appointmentId, mappings: [], openTransactions: [] };
  }

  async updateAppointment(
    read: StoredAppointment,
    update: (current: StoredAppointment) => StoredAppointment,
  ): Promise<StoredAppointment> {
    tableKey(read.appointmentId);
    const current = this.rows.get(read.appointmentId);
    const base = current?.etag === read.etag ? read : await this.getAppointment(read.appointmentId);
    const next = { ...update(base), etag: nextEtag() };
    this.rows.set(read.appointmentId, stored(next));
    return stored(next);
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
