import {
  CONNECTOR_TAG_PROPERTY_ID,
  CONNECTOR_WRITE_PROPERTY_ID,
  type ConnectorTag,
  parseConnectorTag,
  parseWrittenVersion,
} from './connectorTag';
import { type DeltaDecisionInput, decideDeltaItem, type PlannedEvent, plannedEvent } from './deltaDecision';
import type { DeltaEvent } from './deltaItem';
import { eventPayload } from './eventPayload';
import { exchangeChangeMessages } from './exchangeChangeMessages';
import { type RowDependencies, recordPublished } from './exchangeChangeRows';
import { type BusyBlockDependencies, foreignBlockOutcome, type MailboxResource } from './foreignEventBlock';
import type { AppointmentState, AppointmentStore } from './ports';
import type { ChangePublisher, MailboxGateway, MailboxSyncStore, ObservedEvent } from './twoWayPorts';
import { goneEventOf, type UnalignedEventStore, unalignedEventOf } from './unalignedEvent';

export interface DeltaItemDependencies extends RowDependencies, BusyBlockDependencies {
  readonly sync: MailboxSyncStore;
  readonly appointments: AppointmentStore;
  readonly publisher: ChangePublisher;
  readonly publishDetailChanges: boolean;
  readonly unaligned: UnalignedEventStore;
}

/** What the back office plans for the tagged resource in this mailbox, if it still plans it there. */
function plannedFor(
  state: AppointmentState | undefined,
  tag: ConnectorTag | undefined,
  mailbox: string,
): PlannedEvent | undefined {
  if (!state?.snapshot || state.deleted) return undefined;
  const resource = state.snapshot.resources.find((r) => r.id === tag?.resourceId);
  if (resource?.mailbox.toLowerCase() !== mailbox.toLowerCase()) return undefined;
  return plannedEvent(eventPayload(state.snapshot));
}

async function readTag(gateway: MailboxGateway, mailbox: string, item: DeltaEvent) {
  if (item.removed) return undefined;
  const value = await gateway.readProperty(mailbox, item.eventId, CONNECTOR_TAG_PROPERTY_ID);
  return typeof value === 'string' ? parseConnectorTag(value) : undefined;
}

/**
 * Whether the event carries a version newer than the stored state: the connector wrote it and has not
 * recorded that write (its changeKey) yet. Read only for what would otherwise be published.
 */
async function writeInFlight(
  gateway: MailboxGateway,
  mailbox: string,
  item: DeltaEvent,
  state: AppointmentState | undefined,
): Promise<boolean> {
  if (item.removed || !state) return false;
  const value = await gateway.readProperty(mailbox, item.eventId, CONNECTOR_WRITE_PROPERTY_ID);
  const written = parseWrittenVersion(typeof value === 'string' ? value : undefined);
  return written !== undefined && written > state.version;
}

/** The mailbox's resource, read once per delta round and only when a foreign event needs it. */
export type MailboxResourceLookup = () => Promise<MailboxResource | undefined>;

/** Decides one delta item, publishes its changes, then remembers what was seen; answers how many were published. */
export async function applyDeltaItem(
  deps: DeltaItemDependencies,
  gateway: MailboxGateway,
  mailbox: string,
  item: DeltaEvent,
  resource: MailboxResourceLookup,
): Promise<number> {
  const observed = await deps.sync.getObserved(mailbox, item.eventId);
  const tag = observed ? observed.tag : await readTag(gateway, mailbox, item);
  // One read of the appointment's entity: its planned state and the mapping of this resource.
  const stored = tag ? await deps.appointments.getAppointment(tag.appointmentId) : undefined;
  const mapping = stored?.mappings.find((m) => m.resourceId === tag?.resourceId);
  const now = deps.now();
  const input: DeltaDecisionInput = {
    mailbox,
    item,
    observed,
    tag,
    mapping,
    planned: plannedFor(stored?.state, tag, mailbox),
    publishDetailChanges: deps.publishDetailChanges,
    now,
  };
  let decision = decideDeltaItem(input);
  if (decision.changes.length > 0 && (await writeInFlight(gateway, mailbox, item, stored?.state)))
    decision = decideDeltaItem({ ...input, writeInFlight: true });
  if (decision.verdict === 'not mapped' && tag && !input.planned)
    await noteUnaligned(deps, { mailbox, item, tag, state: stored?.state, now });
  if (tag && decision.changes.includes('deleted'))
    await deps.unaligned.putUnaligned(goneEventOf(mailbox, item.eventId, tag, observed, now));
  if (decision.verdict === 'foreign')
    return applyForeign(deps, { mailbox, item, observed, now }, decision.observed, resource);
  const messages = exchangeChangeMessages({ mailbox, item, observed, tag, mapping, decision, now });
  if (messages.length > 0) {
    await deps.publisher.publish(messages);
    for (const message of messages) await recordPublished(deps, message);
  }
  await remember(deps, decision.observed, observed);
  return messages.length;
}

/** A tagged event whose appointment is unknown (or no longer plans it): listed, or cleared once gone. */
async function noteUnaligned(
  deps: DeltaItemDependencies,
  seen: {
    mailbox: string;
    item: DeltaEvent;
    tag: ConnectorTag;
    state: AppointmentState | undefined;
    now: Date;
  },
): Promise<void> {
  if (seen.item.removed) await deps.unaligned.deleteUnaligned(seen.tag.resourceId, seen.item.eventId);
  else
    await deps.unaligned.putUnaligned(
      unalignedEventOf(seen.mailbox, seen.item, seen.tag, seen.state, seen.now),
    );
}

async function remember(
  deps: DeltaItemDependencies,
  seen: ObservedEvent | undefined,
  before: ObservedEvent | undefined,
): Promise<void> {
  if (seen) await deps.sync.putObserved(seen);
  else if (before) await deps.sync.deleteObserved(before.mailbox, before.eventId);
}

/** An event the connector did not write: its busy block published under the rules, then remembered. */
async function applyForeign(
  deps: DeltaItemDependencies,
  input: { mailbox: string; item: DeltaEvent; observed: ObservedEvent | undefined; now: Date },
  seen: ObservedEvent | undefined,
  resource: MailboxResourceLookup,
): Promise<number> {
  const { message, remembered } = foreignBlockOutcome(deps, { ...input, resource: await resource() });
  if (message) await deps.publisher.publish([message]);
  await remember(deps, seen && { ...seen, ...(remembered ? { block: remembered } : {}) }, input.observed);
  return message ? 1 : 0;
}
