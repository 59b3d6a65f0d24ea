import type { AppointmentStore, EventMapping } from '../../shared/domain/ports';

/**
 * The event mappings of stored appointments, read and changed through the appointment store as a
 * sync does (one entity per appointment): for tests that inspect them or lose one on purpose.
 */
export function mappingsOf(appointments: AppointmentStore) {
  const change = async (appointmentId: string, edit: (mappings: EventMapping[]) => EventMapping[]) => {
    const stored = await appointments.getAppointment(appointmentId);
    await appointments.updateAppointment(stored, (current) => ({
      ...current,
      mappings: edit([...current.mappings]),
    }));
  };
  return {
    listMappings: async (appointmentId: string): Promise<EventMapping[]> => [
      ...(await appointments.getAppointment(appointmentId)).mappings,
    ],
    putMapping: (mapping: EventMapping) =>
      change(mapping.appointmentId, (mappings) => [
        ...mappings.filter((m) => m.resourceId !== mapping.resourceId),
        mapping,
      ]),
    deleteMapping: (appointmentId: string, resourceId: string) =>
      change(appointmentId, (mappings) => mappings.filter((m) => m.resourceId !== resourceId)),
  };
}
