import type { MailboxSyncStore, ObservedEvent, SubscriptionRecord } from '../../../shared/domain/twoWayPorts';
import { stored } from './entities';

const key = (mailbox: string) => mailbox.toLowerCase();

/** MailboxSync as `TableMailboxSyncStore` keeps it: mailboxes in any case, copies in and out. */
export class InMemoryMailboxSyncStore implements MailboxSyncStore {
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private readonly deltaLinks = new Map<string, string>();
  private readonly observed = new Map<string, Map<string, ObservedEvent>>();
  private readonly resources = new Map<string, string>();

  async getSubscription(mailbox: string) {
    const found = this.subscriptions.get(key(mailbox));
    return found && stored(found);
  }

  async findSubscription(subscriptionId: string) {
    const found = [...this.subscriptions.values()].find(
      (s) => s.subscriptionId.toLowerCase() === subscriptionId.toLowerCase(),
    );
    return found && stored(found);
  }

  async listSubscriptions() {
    return [...this.subscriptions.values()].map(stored);
  }

  async putSubscription(record: SubscriptionRecord) {
    this.subscriptions.set(key(record.mailbox), stored(record));
  }

  async deleteSubscription(mailbox: string) {
    this.subscriptions.delete(key(mailbox));
  }

  async getDeltaLink(mailbox: string) {
    return this.deltaLinks.get(key(mailbox));
  }

  async putDeltaLink(mailbox: string, deltaLink: string | undefined) {
    if (deltaLink === undefined) this.deltaLinks.delete(key(mailbox));
    else this.deltaLinks.set(key(mailbox), deltaLink);
  }

  async getObserved(mailbox: string, eventId: string) {
    const found = this.observed.get(key(mailbox))?.get(eventId);
    return found && stored(found);
  }

  async listObserved(mailbox: string) {
    return [...(this.observed.get(key(mailbox))?.values() ?? [])].map(stored);
  }

  async putObserved(observed: ObservedEvent) {
    const events = this.observed.get(key(observed.mailbox)) ?? new Map<string, ObservedEvent>();
    events.set(observed.eventId, stored(observed));
    this.observed.set(key(observed.mailbox), events);
  }

  async deleteObserved(mailbox: string, eventId: string) {
    this.observed.get(key(mailbox))?.delete(eventId);
  }

  async getMailboxResource(mailbox: string) {
    return this.resources.get(key(mailbox));
  }

  async putMailboxResource(mailbox: string, resourceId: string) {
    this.resources.set(key(mailbox), resourceId);
  }
}
