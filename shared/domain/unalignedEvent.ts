import type { ConnectorTag } from './connectorTag';
import { comparableTime, type DeltaEvent } from './deltaItem';
import type { AppointmentState, AppointmentStore } from './ports';

/**
 * `no appointment`: an event carrying the connector's tag whose appointment the connector does not
 * know (or that no longer plans the resource there); `event gone`: a mapping whose event was deleted
 * in Outlook while the back office still plans it.
 */
export type UnalignedKind = 'no appointment' | 'event gone';

/** An event and an appointment that do not match: listed for the administrator, never its details. */
export interface UnalignedEvent {
  readonly kind: UnalignedKind;
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
    kind: 'no appointment',
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

/** The appointment's event was deleted in Outlook: its times as last seen. */
export function goneEventOf(
  mailbox: string,
  eventId: string,
  tag: ConnectorTag,
  last: { readonly start?: string; readonly end?: string } | undefined,
  now: Date,
): UnalignedEvent {
  return {
    kind: 'event gone',
    resourceId: tag.resourceId,
    mailbox,
    eventId,
    appointmentId: tag.appointmentId,
    ...(last?.start ? { start: last.start } : {}),
    ...(last?.end ? { end: last.end } : {}),
    seen: `The event of appointment ${tag.appointmentId} for resource ${tag.resourceId} was deleted in Outlook while the back office still plans it; the back office was told (deleted), and its next change of the appointment writes the event again.`,
    seenAt: now,
  };
}

/**
 * The resource's unaligned events as they stand now: an entry that matches again is dropped. A tagged
 * event the appointment has since come to map (the connector's own create, its echo read before the
 * mapping was stored); a gone event the appointment no longer maps (written again, or removed).
 */
export async function currentUnalignedEvents(
  deps: { readonly unaligned: UnalignedEventStore; readonly appointments: AppointmentStore },
  resourceId: string,
): Promise<UnalignedEvent[]> {
  const listed = await deps.unaligned.listUnaligned(resourceId);
  const aligned = await Promise.all(
    listed.map(async (entry) => {
      const { mappings } = await deps.appointments.getAppointment(entry.appointmentId);
      const mapped = mappings.some((m) => m.resourceId === entry.resourceId && m.eventId === entry.eventId);
      return entry.kind === 'no appointment' ? mapped : !mapped;
    }),
  );
  const current: UnalignedEvent[] = [];
  for (const [index, entry] of listed.entries()) {
    if (aligned[index]) await deps.unaligned.deleteUnaligned(entry.resourceId, entry.eventId);
    else current.push(entry);
  }
  return current;
}
