import type { Code } from './catalogue';
import { credentialFailure } from './credentialFailure';
import type { ExchangeCredentials, SettingsResult } from './credentials';
import { parseDeltaItem } from './deltaItem';
import {
  applyDeltaItem,
  type DeltaItemDependencies,
  type MailboxResourceLookup,
} from './deltaItemApplication';
import { classifyTwoWayFailure, recordMailboxOutcome } from './exchangeChangeRows';
import { type DiagnosedFailure, GraphRequestError } from './failures';
import { mailboxResourceOf } from './foreignEventBlock';
import type { MailboxGateway, MailboxGatewayFactory, ObservedEvent } from './twoWayPorts';

interface Window {
  readonly windowStart: Date;
  readonly windowEnd: Date;
}

const DAY_MS = 86_400_000;

export interface MailboxDeltaDependencies extends DeltaItemDependencies {
  readonly gateways: MailboxGatewayFactory;
  readonly readCredentials: () => SettingsResult<ExchangeCredentials>;
  readonly windowDaysBack: number;
  readonly windowDaysAhead: number;
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
    let known: ReturnType<MailboxResourceLookup> | undefined;
    const resource: MailboxResourceLookup = () => {
      known ??= mailboxResourceOf(this.deps, mailbox);
      return known;
    };
    let page = await gateway.deltaPage(mailbox, link ? { link } : window);
    const seen = new Set<string>();
    let published = 0;
    for (;;) {
      for (const raw of page.items) {
        const item = parseDeltaItem(raw);
        if (!item) continue;
        seen.add(item.eventId);
        published += await applyDeltaItem(this.deps, gateway, mailbox, item, resource);
      }
      if (!page.nextLink) break;
      page = await gateway.deltaPage(mailbox, { link: page.nextLink });
    }
    // A full round lists what exists; an event seen before and missing now was deleted meanwhile.
    if (!link) published += await this.missingFromFullRound(gateway, mailbox, seen, window, resource);
    await this.deps.sync.putDeltaLink(mailbox, page.deltaLink);
    return { items: seen.size, published, fullResync: false };
  }

  private async missingFromFullRound(
    gateway: MailboxGateway,
    mailbox: string,
    seen: ReadonlySet<string>,
    window: Window,
    resource: MailboxResourceLookup,
  ): Promise<number> {
    let published = 0;
    for (const observed of await this.deps.sync.listObserved(mailbox)) {
      if (seen.has(observed.eventId)) continue;
      if (!overlaps(observed, window)) {
        await this.deps.sync.deleteObserved(mailbox, observed.eventId);
        continue;
      }
      const gone = { eventId: observed.eventId, removed: true };
      published += await applyDeltaItem(this.deps, gateway, mailbox, gone, resource);
    }
    return published;
  }
}
