import type { UnalignedEvent, UnalignedEventStore } from '../../../shared/domain/unalignedEvent';
import { stored } from './entities';

/** Unaligned events as `TableUnalignedEventStore` keeps them: per resource, by event id. */
export class InMemoryUnalignedEventStore implements UnalignedEventStore {
  private readonly entries = new Map<string, UnalignedEvent>();

  async putUnaligned(event: UnalignedEvent): Promise<void> {
    this.entries.set(`${event.resourceId}\n${event.eventId}`, stored(event));
  }

  async listUnaligned(resourceId: string): Promise<UnalignedEvent[]> {
    return [...this.entries.values()].filter((e) => e.resourceId === resourceId).map(stored);
  }

  async deleteUnaligned(resourceId: string, eventId: string): Promise<boolean> {
    return this.entries.delete(`${resourceId}\n${eventId}`);
  }
}
