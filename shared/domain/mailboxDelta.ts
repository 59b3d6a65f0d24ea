import type { Code } from './catalogue';
import { type ConnectorTag, parseConnectorTag } from './connectorTag';
import { credentialFailure } from './credentialFailure';
import type { ExchangeCredentials, SettingsResult } from './credentials';
import { decideDeltaItem, type PlannedEvent, plannedEvent } from './deltaDecision';
import { type DeltaEvent, parseDeltaItem } from './deltaItem';
import { eventPayload } from './eventPayload';
import { exchangeChangeMessages } from './exchangeChangeMessages';
import {
  classifyTwoWayFailure,
  type RowDependencies,
  recordMailboxOutcome,
  recordPublished,
} from './exchangeChangeRows';
import { type DiagnosedFailure, GraphRequestError } from './failures';
import type { AppointmentState, AppointmentStore } from './ports';
import type {
  ChangePublisher,
  MailboxGateway,
  MailboxGatewayFactory,
  MailboxSyncStore,
  ObservedEvent,
} from './twoWayPorts';

interface Window {
  readonly windowStart: Date;
  readonly windowEnd: Date;
}

const DAY_MS = 86_400_000;

export interface MailboxDeltaDependencies extends RowDependencies {
  readonly sync: MailboxSyncStore;
  readonly appointments: AppointmentStore;
  readonly publisher: ChangePublisher;
  readonly gateways: MailboxGatewayFactory;
  readonly readCredentials: () => SettingsResult<ExchangeCredentials>;
  readonly windowDaysBack: number;
  readonly windowDaysAhead: number;
  readonly publishDetailChanges: boolean;
}

export interface DeltaRunSummary {
  readonly items: number;
  readonly published: number;
  readonly fullResync: boolean;
  /** The code recorded when the run failed. */
  readonly failedWith?: Code;
}

/** Whether an event last seen at these times lies in the window (times that are not instants count as in). */
function overlaps(observed: ObservedEvent, window: Window): boolean {
  const start = Date.parse(observed.start ?? '');
  const end = Date.parse(observed.end ?? '');
  if (Number.isNaN(start) || Number.isNaN(end)) return true;
  return start < window.windowEnd.getTime() && end > window.windowStart.getTime();
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

function isExpiredDeltaToken(error: unknown): boolean {
  return error instanceof GraphRequestError && error.details.httpStatus === 410;
}

/**
 * Runs one mailbox's calendar delta and publishes what the resource changed in Outlook: the truth
 * behind every notification, and the periodic catch-up when notifications were lost.
 */
export class MailboxDelta {
  constructor(private readonly deps: MailboxDeltaDependencies) {}

  async run(mailbox: string): Promise<DeltaRunSummary> {
    const credentials = this.deps.readCredentials();
    if (!credentials.ok) {
      const failure = credentialFailure(credentials.problems);
      await recordMailboxOutcome(this.deps, mailbox, failure.code, failure.message);
      return { items: 0, published: 0, fullResync: false, failedWith: failure.code };
    }
    const gateway = this.deps.gateways(credentials.value);
    const context = { step: 'delta' as const, mailbox, ...credentials.value };
    try {
      return await this.round(gateway, mailbox, await this.deps.sync.getDeltaLink(mailbox));
    } catch (error) {
      if (!isExpiredDeltaToken(error)) return this.failed(mailbox, classifyTwoWayFailure(error, context));
    }
    try {
      await this.deps.sync.putDeltaLink(mailbox, undefined);
      const summary = await this.round(gateway, mailbox, undefined);
      await recordMailboxOutcome(
        this.deps,
        mailbox,
        'DSEX073',
        `The calendar delta link of ${mailbox} had expired (410 syncStateNotFound); the whole window was read again and compared (${summary.items} events, ${summary.published} changes published).`,
      );
      return { ...summary, fullResync: true };
    } catch (error) {
      return this.failed(mailbox, classifyTwoWayFailure(error, context));
    }
  }

  private async failed(mailbox: string, failure: DiagnosedFailure): Promise<DeltaRunSummary> {
    await recordMailboxOutcome(this.deps, mailbox, failure.code, failure.message);
    return { items: 0, published: 0, fullResync: false, failedWith: failure.code };
  }

  /** One delta round: every page, each item decided, then the new delta link saved. */
  private async round(
    gateway: MailboxGateway,
    mailbox: string,
    link: string | undefined,
  ): Promise<DeltaRunSummary> {
    const now = this.deps.now();
    const window: Window = {
      windowStart: new Date(now.getTime() - this.deps.windowDaysBack * DAY_MS),
      windowEnd: new Date(now.getTime() + this.deps.windowDaysAhead * DAY_MS),
    };
    let page = await gateway.deltaPage(mailbox, link ? { link } : window);
    const seen = new Set<string>();
    let published = 0;
    for (;;) {
      for (const raw of page.items) {
        const item = parseDeltaItem(raw);
        if (!item) continue;
        seen.add(item.eventId);
        published += await this.apply(gateway, mailbox, item);
      }
      if (!page.nextLink) break;
      page = await gateway.deltaPage(mailbox, { link: page.nextLink });
    }
    // A full round lists what exists; an event seen before and missing now was deleted meanwhile.
    if (!link) published += await this.missingFromFullRound(gateway, mailbox, seen, window);
    await this.deps.sync.putDeltaLink(mailbox, page.deltaLink);
    return { items: seen.size, published, fullResync: false };
  }

  private async missingFromFullRound(
    gateway: MailboxGateway,
    mailbox: string,
    seen: ReadonlySet<string>,
    window: Window,
  ): Promise<number> {
    let published = 0;
    for (const observed of await this.deps.sync.listObserved(mailbox)) {
      if (seen.has(observed.eventId)) continue;
      if (!overlaps(observed, window)) {
        await this.deps.sync.deleteObserved(mailbox, observed.eventId);
        continue;
      }
      published += await this.apply(gateway, mailbox, { eventId: observed.eventId, removed: true });
    }
    return published;
  }

  /** Decides one item, publishes its changes, then remembers what was seen; answers how many were published. */
  private async apply(gateway: MailboxGateway, mailbox: string, item: DeltaEvent): Promise<number> {
    const observed = await this.deps.sync.getObserved(mailbox, item.eventId);
    const tag = observed ? observed.tag : await this.readTag(gateway, mailbox, item);
    // One read of the appointment's entity: its planned state and the mapping of this resource.
    const stored = tag ? await this.deps.appointments.getAppointment(tag.appointmentId) : undefined;
    const mapping = stored?.mappings.find((m) => m.resourceId === tag?.resourceId);
    const planned = plannedFor(stored?.state, tag, mailbox);
    const now = this.deps.now();
    const decision = decideDeltaItem({
      mailbox,
      item,
      observed,
      tag,
      mapping,
      planned,
      publishDetailChanges: this.deps.publishDetailChanges,
      now,
    });
    const messages = exchangeChangeMessages({ mailbox, item, observed, tag, mapping, decision, now });
    if (messages.length > 0) {
      await this.deps.publisher.publish(messages);
      for (const message of messages) await recordPublished(this.deps, message);
    }
    if (decision.observed) await this.deps.sync.putObserved(decision.observed);
    else if (observed) await this.deps.sync.deleteObserved(mailbox, item.eventId);
    return messages.length;
  }

  private async readTag(
    gateway: MailboxGateway,
    mailbox: string,
    item: DeltaEvent,
  ): Promise<ConnectorTag | undefined> {
    if (item.removed) return undefined;
    const value = await gateway.readTag(mailbox, item.eventId);
    return typeof value === 'string' ? parseConnectorTag(value) : undefined;
  }
}
