import type { ConnectorTag } from './connectorTag';
import { comparableTime, type DeltaEvent, detailsHash } from './deltaItem';
import type { GraphEventPayload } from './eventPayload';
import type { ExchangeChangeKind } from './exchangeChange';
import type { EventMapping } from './ports';
import type { ObservedEvent } from './twoWayPorts';

/** What the back office planned for the event, in the terms of the comparison. */
export interface PlannedEvent {
  readonly start?: string;
  readonly end?: string;
  readonly details: string;
}

export function plannedEvent(payload: GraphEventPayload): PlannedEvent {
  return {
    ...optional('start', comparableTime(payload.start)),
    ...optional('end', comparableTime(payload.end)),
    details: detailsHash(payload.subject, payload.location.displayName),
  };
}

export interface DeltaDecisionInput {
  readonly mailbox: string;
  readonly item: DeltaEvent;
  /** The baseline: what was seen of the event last time, if anything. */
  readonly observed: ObservedEvent | undefined;
  /** The connector's tag of the event, from the baseline or read from Exchange. */
  readonly tag: ConnectorTag | undefined;
  /** The mapping the tag names, if the connector still has one. */
  readonly mapping: EventMapping | undefined;
  /**
   * The appointment's newest state for this resource in this mailbox; undefined when the appointment
   * is deleted or unknown, or no longer plans the resource there (the connector removes such events).
   */
  readonly planned: PlannedEvent | undefined;
  readonly publishDetailChanges: boolean;
  /** The event carries a version newer than the one stored: the connector's own write, not yet recorded. */
  readonly writeInFlight?: boolean;
  readonly now: Date;
}

export type DeltaVerdict =
  | 'foreign'
  | 'not mapped'
  | 'not planned'
  | 'own write'
  | 'unchanged'
  | 'outlook change';

export interface DeltaDecision {
  readonly verdict: DeltaVerdict;
  /** The changes to publish, in order; empty for anything but an Outlook change. */
  readonly changes: readonly ExchangeChangeKind[];
  /** What to remember of the event; undefined: forget it. */
  readonly observed: ObservedEvent | undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function observation(input: DeltaDecisionInput): ObservedEvent {
  const { item, tag } = input;
  return {
    mailbox: input.mailbox,
    eventId: item.eventId,
    ...optional('tag', tag),
    ...optional('changeKey', item.changeKey),
    ...optional('start', comparableTime(item.start)),
    ...optional('end', comparableTime(item.end)),
    ...optional('isAllDay', item.isAllDay),
    ...optional('response', item.response),
    details: detailsHash(item.subject, item.location),
    seenAt: input.now,
  };
}

/** Differs from the baseline and from the plan: a change of the resource's, not an echo of ours. */
function outlookChanges(input: DeltaDecisionInput, seen: ObservedEvent): ExchangeChangeKind[] {
  const { observed, planned } = input;
  const baseline = observed ?? (planned ? { ...planned, response: undefined } : undefined);
  const changes: ExchangeChangeKind[] = [];
  const timesDiffer = (a: { start?: string; end?: string } | undefined) =>
    a !== undefined && (a.start !== seen.start || a.end !== seen.end);
  if (timesDiffer(baseline) && (planned === undefined || timesDiffer(planned))) changes.push('moved');
  for (const [response, change] of [
    ['declined', 'declined'],
    ['tentativelyAccepted', 'tentative'],
  ] as const) {
    if (seen.response === response && baseline?.response !== response) changes.push(change);
  }
  const detailsDiffer = (a: { details?: string } | undefined) =>
    a !== undefined && a.details !== seen.details;
  if (
    input.publishDetailChanges &&
    detailsDiffer(baseline) &&
    (planned === undefined || detailsDiffer(planned))
  )
    changes.push('updated');
  return changes;
}

/**
 * The decision for one delta item: whether it is an event the connector wrote and, if so, whether
 * the resource changed it in Outlook. Pure: the caller reads the inputs and acts on the outcome.
 * Issue 21 extends the `foreign` branch (busy blocks under privacy rules).
 */
export function decideDeltaItem(input: DeltaDecisionInput): DeltaDecision {
  const { item, tag, mapping } = input;
  if (!tag)
    return { verdict: 'foreign', changes: [], observed: item.removed ? undefined : observation(input) };
  if (!mapping || mapping.eventId !== item.eventId)
    return { verdict: 'not mapped', changes: [], observed: item.removed ? undefined : observation(input) };
  // Gone while the back office no longer plans it: the connector's own delete (or one it would make).
  if (item.removed && !input.planned) return { verdict: 'not planned', changes: [], observed: undefined };
  if (item.removed) return { verdict: 'outlook change', changes: ['deleted'], observed: undefined };
  const seen = observation(input);
  if (item.changeKey !== undefined && item.changeKey === mapping.changeKey)
    return { verdict: 'own write', changes: [], observed: seen };
  if (input.writeInFlight) return { verdict: 'own write', changes: [], observed: seen };
  const changes = outlookChanges(input, seen);
  return { verdict: changes.length > 0 ? 'outlook change' : 'unchanged', changes, observed: seen };
}
