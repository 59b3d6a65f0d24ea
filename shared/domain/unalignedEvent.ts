import type { ConnectorTag } from './connectorTag';
import { comparableTime, type DeltaEvent } from './deltaItem';
import type { AppointmentState, AppointmentStore } from './ports';

/**
 * An event in a resource's mailbox carrying the connector's tag whose appointment the connector no
 * longer knows (or no longer plans there): listed for the administrator, never its details.
 */
export interface UnalignedEvent {
  readonly resourceId: string;
  readonly mailbox: string;
  readonly eventId: string;
  readonly appointmentId: string;
  /** `comparableTime` of the event's start and end. */
  readonly start?: string;
  readonly end?: string;
  /** What was seen, in words. */
  readonly seen: string;
  readonly seenAt: Date;
}

/** Unaligned events, per resource (table `MailboxSync`). */
export interface UnalignedEventStore {
  putUnaligned(event: UnalignedEvent): Promise<void>;
  listUnaligned(resourceId: string): Promise<UnalignedEvent[]>;
  /** Clears the entry (never the Exchange event); false when there was none. */
  deleteUnaligned(resourceId: string, eventId: string): Promise<boolean>;
}

function whatWasSeen(tag: ConnectorTag, state: AppointmentState | undefined): string {
  const tagged = `The event carries the connector's tag for appointment ${tag.appointmentId} (resource ${tag.resourceId})`;
  if (!state) return `${tagged}, an appointment the connector does not know.`;
  if (state.deleted) return `${tagged}, which the back office deleted (version ${state.version}).`;
  return `${tagged}, which no longer plans the resource in this mailbox (version ${state.version}).`;
}

export function unalignedEventOf(
  mailbox: string,
  item: DeltaEvent,
  tag: ConnectorTag,
  state: AppointmentState | undefined,
  now: Date,
): UnalignedEvent {
  const start = comparableTime(item.start);
  const end = comparableTime(item.end);
  return {
    resourceId: tag.resourceId,
    mailbox,
    eventId: item.eventId,
    appointmentId: tag.appointmentId,
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    seen: whatWasSeen(tag, state),
    seenAt: now,
  };
}

/**
 * The resource's unaligned events as they stand now: an entry whose event the appointment has since
 * come to map (the connector's own create, its echo read before the mapping was stored) is dropped.
 */
export async function currentUnalignedEvents(
  deps: { readonly unaligned: UnalignedEventStore; readonly appointments: AppointmentStore },
  resourceId: string,
): Promise<UnalignedEvent[]> {
  const listed = await deps.unaligned.listUnaligned(resourceId);
  const aligned = await Promise.all(
    listed.map(async (entry) =>
      (await deps.appointments.getAppointment(entry.appointmentId)).mappings.some(
        (m) => m.resourceId === entry.resourceId && m.eventId === entry.eventId,
      ),
    ),
  );
  const current: UnalignedEvent[] = [];
  for (const [index, entry] of listed.entries()) {
    if (aligned[index]) await deps.unaligned.deleteUnaligned(entry.resourceId, entry.eventId);
    else current.push(entry);
  }
  return current;
}
