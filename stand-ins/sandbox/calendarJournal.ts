/** What happened to an event, as change notifications and delta report it. */
export type EventChange = 'created' | 'updated' | 'deleted';

export interface JournalEntry {
  readonly sequence: number;
  readonly eventId: string;
  readonly change: EventChange;
}

export type ChangeListener = (mailbox: string, eventId: string, change: EventChange) => void;

/** Every change to every calendar, in order: what delta tokens resume from and notifications report. */
export class CalendarJournal {
  private readonly byMailbox = new Map<string, JournalEntry[]>();
  private readonly listeners: ChangeListener[] = [];
  private sequence = 0;

  /** Called after every create, update and delete, whoever made it. */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  record(mailbox: string, eventId: string, change: EventChange): void {
    this.sequence += 1;
    const entries = this.byMailbox.get(mailbox) ?? [];
    entries.push({ sequence: this.sequence, eventId, change });
    this.byMailbox.set(mailbox, entries);
    for (const listener of this.listeners) listener(mailbox, eventId, change);
  }

  /** The newest position: a delta token made now resumes after it. */
  position(): number {
    return this.sequence;
  }

  /** The mailbox's changes after `sequence`, oldest first. */
  since(mailbox: string, sequence: number): JournalEntry[] {
    return (this.byMailbox.get(mailbox) ?? []).filter((entry) => entry.sequence > sequence);
  }

  /** Forgets the entries; the sequence keeps growing, so an old token never resumes into new entries. */
  clear(): void {
    this.byMailbox.clear();
  }
}
