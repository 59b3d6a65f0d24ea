import type { ConnectorTag } from './connectorTag';
import type { DeltaDecision } from './deltaDecision';
import { comparableTime, type DeltaEvent } from './deltaItem';
import { type ExchangeChangeMessage, exchangeChangeId, type PublishedEvent } from './exchangeChange';
import type { EventMapping } from './ports';
import type { ObservedEvent } from './twoWayPorts';

export interface ChangeMessageInput {
  readonly mailbox: string;
  readonly item: DeltaEvent;
  readonly observed: ObservedEvent | undefined;
  readonly tag: ConnectorTag | undefined;
  readonly mapping: EventMapping | undefined;
  readonly decision: DeltaDecision;
  readonly now: Date;
}

/** The event as published: what delta answered, or for a deletion what was seen of it last. */
function publishedEvent(input: ChangeMessageInput, withDetails: boolean): PublishedEvent {
  const { item, observed } = input;
  if (item.removed)
    return {
      eventId: item.eventId,
      ...(observed?.start ? { start: observed.start } : {}),
      ...(observed?.end ? { end: observed.end } : {}),
      ...(observed?.isAllDay !== undefined ? { isAllDay: observed.isAllDay } : {}),
    };
  const start = comparableTime(item.start);
  const end = comparableTime(item.end);
  return {
    eventId: item.eventId,
    ...(start ? { start } : {}),
    ...(end ? { end } : {}),
    ...(item.isAllDay !== undefined ? { isAllDay: item.isAllDay } : {}),
    ...(item.showAs ? { showAs: item.showAs } : {}),
    ...(item.response ? { responseStatus: item.response } : {}),
    ...(withDetails && item.subject !== undefined ? { subject: item.subject } : {}),
    ...(withDetails && item.location !== undefined ? { location: item.location } : {}),
  };
}

/**
 * One message per change the decision found, each with the id that makes it published once: the
 * event version's changeKey (for a deletion, the last one known) and the kind of change.
 */
export function exchangeChangeMessages(input: ChangeMessageInput): ExchangeChangeMessage[] {
  const { tag, decision, mailbox, item } = input;
  if (!tag || decision.changes.length === 0) return [];
  const changeKey = item.changeKey ?? input.observed?.changeKey ?? input.mapping?.changeKey ?? 'removed';
  return decision.changes.map((change) => {
    const changeId = exchangeChangeId(mailbox, item.eventId, changeKey, change);
    return {
      kind: 'exchangeChange',
      changeId,
      detectedAt: input.now.toISOString(),
      appointmentId: tag.appointmentId,
      resource: { id: tag.resourceId, mailbox },
      change,
      event: publishedEvent(input, change === 'updated'),
    };
  });
}
