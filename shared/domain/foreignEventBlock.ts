import { busyBlockOf, type ForeignEvent } from './busyBlock';
import {
  type BusyBlockMessage,
  busyBlockMessage,
  type RememberedBlock,
  rememberedBlock,
} from './busyBlockChange';
import type { DeltaEvent } from './deltaItem';
import { EventTimeError, type IanaZoneOf } from './eventTime';
import type { OperationalLog, ResourceStore } from './ports';
import { type PrivacyRule, privacyRuleOf } from './privacyRules';
import type { MailboxSyncStore, ObservedEvent } from './twoWayPorts';

/** The resource a mailbox belongs to and the privacy rule in force for it. */
export interface MailboxResource {
  readonly id: string;
  readonly rule: PrivacyRule;
}

export interface BusyBlockDependencies {
  readonly sync: MailboxSyncStore;
  readonly resources: ResourceStore;
  /** PRIVACY_DEFAULT_RULE: the organisation's rule, for the parts a resource does not set. */
  readonly privacyDefault: PrivacyRule;
  readonly ianaZoneOf: IanaZoneOf;
  readonly log: OperationalLog;
}

/**
 * The mailbox's resource: the one its last watch request named (a resource change or the connector's
 * first event there), else the resource in the tag of an event the connector wrote there (then
 * remembered). Undefined when neither is known: no busy block is published for the mailbox yet.
 */
export async function mailboxResourceOf(
  deps: BusyBlockDependencies,
  mailbox: string,
): Promise<MailboxResource | undefined> {
  let id = await deps.sync.getMailboxResource(mailbox);
  if (id === undefined) {
    id = (await deps.sync.listObserved(mailbox)).find((observed) => observed.tag)?.tag?.resourceId;
    if (id !== undefined) await deps.sync.putMailboxResource(mailbox, id);
  }
  if (id === undefined) return undefined;
  const state = (await deps.resources.getResources([id])).get(id);
  return { id, rule: privacyRuleOf(state?.privacy, deps.privacyDefault) };
}

function foreignEventOf(item: DeltaEvent): ForeignEvent | undefined {
  if (item.removed || !item.start || !item.end) return undefined;
  return {
    eventId: item.eventId,
    start: item.start,
    end: item.end,
    isAllDay: item.isAllDay ?? false,
    ...(item.type !== undefined ? { type: item.type } : {}),
    ...(item.seriesMasterId !== undefined ? { seriesMasterId: item.seriesMasterId } : {}),
    ...(item.showAs !== undefined ? { showAs: item.showAs } : {}),
    ...(item.sensitivity !== undefined ? { sensitivity: item.sensitivity } : {}),
    ...(item.subject !== undefined ? { subject: item.subject } : {}),
    ...(item.location !== undefined ? { location: item.location } : {}),
  };
}

export interface ForeignBlockInput {
  readonly mailbox: string;
  readonly item: DeltaEvent;
  readonly observed: ObservedEvent | undefined;
  readonly resource: MailboxResource | undefined;
  readonly now: Date;
}

export interface ForeignBlockOutcome {
  readonly message: BusyBlockMessage | undefined;
  /** What to keep with the observed event: the block the back office now knows, if any. */
  readonly remembered: RememberedBlock | undefined;
}

/**
 * A foreign event (no connector tag) as the back office may see it: created, moved or deleted as a
 * busy block under the resource's rule, compared with the block last published for it.
 */
export function foreignBlockOutcome(
  deps: BusyBlockDependencies,
  input: ForeignBlockInput,
): ForeignBlockOutcome {
  const { item, observed, resource } = input;
  const previous = observed?.block;
  if (resource === undefined) return { message: undefined, remembered: previous };
  const event = foreignEventOf(item);
  let current: ReturnType<typeof busyBlockOf>;
  try {
    current = event && busyBlockOf(event, resource.rule, deps.ianaZoneOf);
  } catch (error) {
    if (!(error instanceof EventTimeError)) throw error;
    // A time that cannot be placed changes nothing the back office knows; the zone's name says why.
    deps.log.error('busy block not placed', {
      mailbox: input.mailbox,
      eventId: item.eventId,
      reason: error.message,
    });
    return { message: undefined, remembered: previous };
  }
  const message = busyBlockMessage({
    resource: { id: resource.id, mailbox: input.mailbox },
    previous,
    current,
    version: item.changeKey ?? observed?.changeKey ?? 'removed',
    now: input.now,
  });
  return { message, remembered: current && rememberedBlock(current) };
}
