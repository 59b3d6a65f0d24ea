import { createHash } from 'node:crypto';
import { credentialFailure } from './credentialFailure';
import type { ExchangeCredentials, SettingsResult } from './credentials';
import {
  classifyTwoWayFailure,
  type RowDependencies,
  recordMailboxOutcome,
  type TwoWayContext,
} from './exchangeChangeRows';
import { GraphRequestError } from './failures';
import type {
  MailboxGateway,
  MailboxGatewayFactory,
  MailboxSyncStore,
  SubscriptionRecord,
} from './twoWayPorts';

/** Graph's longest life for a subscription to Outlook events without resource data. */
export const MAX_SUBSCRIPTION_MINUTES = 10_080;
/** Asked for a little under the maximum, so clock skew never makes Graph refuse it. */
const REQUESTED_MINUTES = MAX_SUBSCRIPTION_MINUTES - 60;
/** Renewed once less than this is left: with a timer every 6 hours, about 8 chances before expiry. */
const RENEW_AHEAD_MS = 2 * 86_400_000;

export interface SubscriptionDependencies extends RowDependencies {
  readonly sync: MailboxSyncStore;
  readonly gateways: MailboxGatewayFactory;
  readonly readCredentials: () => SettingsResult<ExchangeCredentials>;
  readonly webhookBaseUrl: string;
  readonly clientState: string;
}

/** A short SHA-256 of the clientState: tells a rotated secret without keeping it. */
export function clientStateDigest(clientState: string): string {
  return createHash('sha256').update(clientState, 'utf8').digest('hex').slice(0, 16);
}

function isNotFound(error: unknown): boolean {
  return error instanceof GraphRequestError && error.details.httpStatus === 404;
}

/** One subscription per enabled resource mailbox: created, renewed ahead of expiry, recreated, removed. */
export class MailboxSubscriptions {
  constructor(private readonly deps: SubscriptionDependencies) {}

  /** Subscribes the mailbox unless a subscription with enough life left exists. */
  async ensure(mailbox: string): Promise<SubscriptionRecord | undefined> {
    const stored = await this.deps.sync.getSubscription(mailbox);
    if (stored && this.madeWithOldSecret(stored)) return this.replace(stored);
    if (stored && stored.expiresAt.getTime() - this.deps.now().getTime() > RENEW_AHEAD_MS) return stored;
    return stored ? this.renew(stored) : this.create(mailbox);
  }

  /** The timer: renews each subscription close to expiry, recreating those Graph no longer has. */
  async renewAll(): Promise<number> {
    let renewed = 0;
    for (const stored of await this.deps.sync.listSubscriptions()) {
      if (this.madeWithOldSecret(stored)) {
        if (await this.replace(stored)) renewed++;
        continue;
      }
      if (stored.expiresAt.getTime() - this.deps.now().getTime() > RENEW_AHEAD_MS) continue;
      if (await this.renew(stored)) renewed++;
    }
    return renewed;
  }

  /** `subscriptionRemoved`: Graph dropped it; a new one takes its place. */
  async recreate(subscriptionId: string): Promise<SubscriptionRecord | undefined> {
    const stored = await this.deps.sync.findSubscription(subscriptionId);
    if (!stored) return undefined;
    await this.deps.sync.deleteSubscription(stored.mailbox);
    return this.create(stored.mailbox);
  }

  /** `reauthorizationRequired`: reauthorize, or recreate when Graph no longer knows it. */
  async reauthorize(subscriptionId: string): Promise<void> {
    const stored = await this.deps.sync.findSubscription(subscriptionId);
    if (!stored) return;
    await this.withGateway(stored.mailbox, 'renew', async (gateway) => {
      try {
        await gateway.reauthorizeSubscription(stored.mailbox, stored.subscriptionId);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await this.recreate(subscriptionId);
      }
    });
  }

  /** The resource was disabled: no more notifications for its mailbox. */
  /** Answers whether the mailbox has no subscription now (a failure is recorded as a row). */
  async remove(mailbox: string): Promise<boolean> {
    const stored = await this.deps.sync.getSubscription(mailbox);
    if (!stored) return true;
    const removed = await this.withGateway(mailbox, 'renew', async (gateway) => {
      try {
        await gateway.deleteSubscription(mailbox, stored.subscriptionId);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      await this.deps.sync.deleteSubscription(mailbox);
      return true;
    });
    return removed === true;
  }

  /** GRAPH_CLIENT_STATE was rotated since: Graph would keep sending the old one, so it is made anew. */
  private madeWithOldSecret(stored: SubscriptionRecord): boolean {
    const { clientStateDigest: digest } = stored;
    return digest !== undefined && digest !== clientStateDigest(this.deps.clientState);
  }

  private async replace(stored: SubscriptionRecord): Promise<SubscriptionRecord | undefined> {
    return (await this.remove(stored.mailbox)) ? this.create(stored.mailbox) : undefined;
  }

  private async renew(stored: SubscriptionRecord): Promise<SubscriptionRecord | undefined> {
    const expiresAt = this.expiry();
    const renewed = await this.withGateway(stored.mailbox, 'renew', async (gateway) => {
      try {
        const record = {
          ...stored,
          expiresAt: await gateway.renewSubscription(stored.mailbox, stored.subscriptionId, expiresAt),
        };
        await this.deps.sync.putSubscription(record);
        return record;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        return undefined;
      }
    });
    if (renewed) return renewed;
    await this.deps.sync.deleteSubscription(stored.mailbox);
    return this.create(stored.mailbox);
  }

  private create(mailbox: string): Promise<SubscriptionRecord | undefined> {
    const base = this.deps.webhookBaseUrl;
    return this.withGateway(mailbox, 'subscribe', async (gateway) => {
      const created = await gateway.createSubscription({
        mailbox,
        notificationUrl: `${base}/api/graph/notifications`,
        lifecycleNotificationUrl: `${base}/api/graph/lifecycle`,
        clientState: this.deps.clientState,
        expiresAt: this.expiry(),
      });
      const record = {
        mailbox,
        subscriptionId: created.id,
        expiresAt: created.expiresAt,
        clientStateDigest: clientStateDigest(this.deps.clientState),
      };
      await this.deps.sync.putSubscription(record);
      return record;
    });
  }

  private expiry(): Date {
    return new Date(this.deps.now().getTime() + REQUESTED_MINUTES * 60_000);
  }

  /** Runs a Graph step; a failure is recorded as a row with its code and answers undefined. */
  private async withGateway<T>(
    mailbox: string,
    step: TwoWayContext['step'],
    action: (gateway: MailboxGateway) => Promise<T>,
  ): Promise<T | undefined> {
    const credentials = this.deps.readCredentials();
    if (!credentials.ok) {
      const failure = credentialFailure(credentials.problems);
      await recordMailboxOutcome(this.deps, mailbox, failure.code, failure.message);
      return undefined;
    }
    try {
      return await action(this.deps.gateways(credentials.value));
    } catch (error) {
      const failure = classifyTwoWayFailure(error, { step, mailbox, ...credentials.value });
      await recordMailboxOutcome(this.deps, mailbox, failure.code, failure.message);
      return undefined;
    }
  }
}
