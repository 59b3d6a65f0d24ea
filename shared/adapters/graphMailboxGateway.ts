import { GraphRequestError } from '../domain/failures';
import type { DeltaPage, MailboxGateway, SubscriptionRequest } from '../domain/twoWayPorts';
import type { GraphCalendarGateway } from './graphCalendarGateway';

interface DeltaAnswer {
  value?: unknown[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

function expiresAt(answer: unknown, fallback: Date): Date {
  const value = (answer as { expirationDateTime?: unknown } | undefined)?.expirationDateTime;
  const parsed = typeof value === 'string' ? new Date(value) : fallback;
  return Number.isNaN(parsed.getTime()) ? fallback : parsed;
}

function subscriptionPath(subscriptionId: string): string {
  return `/subscriptions/${encodeURIComponent(subscriptionId)}`;
}

/**
 * Subscriptions and calendar delta of resource mailboxes, through the calendar gateway's requests:
 * the same token, per-mailbox limits, Retry-After, timeouts and bounded retries.
 */
export class GraphMailboxGateway implements MailboxGateway {
  constructor(private readonly graph: GraphCalendarGateway) {}

  async deltaPage(
    mailbox: string,
    from: { readonly link: string } | { readonly windowStart: Date; readonly windowEnd: Date },
  ): Promise<DeltaPage> {
    // Times in UTC, so comparisons and messages need no zone conversion.
    const window =
      'link' in from
        ? undefined
        : new URLSearchParams({
            startDateTime: from.windowStart.toISOString(),
            endDateTime: from.windowEnd.toISOString(),
          });
    const path =
      'link' in from ? from.link : `/users/${encodeURIComponent(mailbox)}/calendarView/delta?${window}`;
    const answer = (await this.graph.request(mailbox, 'delta', 'GET', path, {
      headers: { prefer: 'outlook.timezone="UTC", odata.maxpagesize=50' },
    })) as DeltaAnswer;
    return {
      items: Array.isArray(answer?.value) ? answer.value : [],
      ...(answer?.['@odata.nextLink'] ? { nextLink: answer['@odata.nextLink'] } : {}),
      ...(answer?.['@odata.deltaLink'] ? { deltaLink: answer['@odata.deltaLink'] } : {}),
    };
  }

  async readProperty(
    mailbox: string,
    eventId: string,
    propertyId: string,
  ): Promise<string | undefined | null> {
    const query = new URLSearchParams({
      $select: 'id',
      $expand: `singleValueExtendedProperties($filter=id eq '${propertyId}')`,
    });
    const path = `/users/${encodeURIComponent(mailbox)}/events/${encodeURIComponent(eventId)}?${query}`;
    try {
      const answer = (await this.graph.request(mailbox, 'read', 'GET', path)) as {
        singleValueExtendedProperties?: Array<{ id?: unknown; value?: unknown }>;
      };
      const property = answer?.singleValueExtendedProperties?.find(
        (p) => typeof p.id === 'string' && p.id.toLowerCase() === propertyId.toLowerCase(),
      );
      return typeof property?.value === 'string' ? property.value : undefined;
    } catch (error) {
      if (error instanceof GraphRequestError && error.details.httpStatus === 404) return null;
      throw error;
    }
  }

  async createSubscription(request: SubscriptionRequest): Promise<{ id: string; expiresAt: Date }> {
    const answer = (await this.graph.request(request.mailbox, 'subscribe', 'POST', '/subscriptions', {
      body: {
        changeType: 'created,updated,deleted',
        notificationUrl: request.notificationUrl,
        lifecycleNotificationUrl: request.lifecycleNotificationUrl,
        resource: `/users/${request.mailbox}/events`,
        expirationDateTime: request.expiresAt.toISOString(),
        clientState: request.clientState,
      },
    })) as { id?: unknown };
    if (typeof answer?.id !== 'string')
      throw new Error('Microsoft Graph created a subscription without an id');
    return { id: answer.id, expiresAt: expiresAt(answer, request.expiresAt) };
  }

  async renewSubscription(mailbox: string, subscriptionId: string, until: Date): Promise<Date> {
    const answer = await this.graph.request(mailbox, 'renew', 'PATCH', subscriptionPath(subscriptionId), {
      body: { expirationDateTime: until.toISOString() },
    });
    return expiresAt(answer, until);
  }

  async deleteSubscription(mailbox: string, subscriptionId: string): Promise<void> {
    await this.graph.request(mailbox, 'unsubscribe', 'DELETE', subscriptionPath(subscriptionId));
  }

  async reauthorizeSubscription(mailbox: string, subscriptionId: string): Promise<void> {
    const path = `${subscriptionPath(subscriptionId)}/reauthorize`;
    await this.graph.request(mailbox, 'reauthorize', 'POST', path, { body: {} });
  }
}
