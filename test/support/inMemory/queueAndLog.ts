import type { OperationalLog, ReplaySender } from '../../../shared/domain/ports';
import { redactDeep } from '../../../shared/domain/redaction';
import type { ReplayRequest } from '../../../shared/domain/replayMessage';

export interface SentMessage {
  readonly messageId: string;
  readonly body: ReplayRequest;
}

/** Service Bus's default duplicate detection window. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;

/**
 * The change queue as the retry pass sees it: accepted messages in order, a message id seen
 * within the duplicate detection window dropped (as Service Bus does), scripted send failures.
 */
export class InMemoryReplaySender implements ReplaySender {
  readonly accepted: SentMessage[] = [];
  /** Messages dropped as duplicates. */
  readonly dropped: SentMessage[] = [];
  private readonly seen = new Map<string, number>();
  private failures: Error[] = [];

  constructor(private readonly now: () => Date) {}

  /** The next sends throw these, in order (nothing of a failed send reaches the queue). */
  failNext(...errors: readonly Error[]): void {
    this.failures.push(...errors);
  }

  async send(messages: readonly SentMessage[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const now = this.now().getTime();
    for (const message of messages) {
      const seenAt = this.seen.get(message.messageId);
      if (seenAt !== undefined && now - seenAt < DUPLICATE_WINDOW_MS) {
        this.dropped.push(structuredClone(message));
        continue;
      }
      this.seen.set(message.messageId, now);
      this.accepted.push(structuredClone(message));
    }
  }

  /** Takes the accepted messages off the queue, as the queue trigger would. */
  receive(): SentMessage[] {
    return this.accepted.splice(0);
  }
}

export interface LogLine {
  readonly level: 'info' | 'error';
  readonly message: string;
  readonly properties: Record<string, unknown>;
}

/**
 * The operational log, capturing: each line is redacted with the current secrets as the real log
 * (`operationalLog` in the connector) does before it writes, and kept for assertions.
 */
export class CapturingLog implements OperationalLog {
  readonly lines: LogLine[] = [];

  constructor(private readonly secrets: () => readonly string[]) {}

  info(message: string, properties: Record<string, unknown>): void {
    this.write('info', message, properties);
  }

  error(message: string, properties: Record<string, unknown>): void {
    this.write('error', message, properties);
  }

  /** Every line as the text it would be written as. */
  text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }

  private write(level: LogLine['level'], message: string, properties: Record<string, unknown>): void {
    this.lines.push(redactDeep({ level, message, properties: structuredClone(properties) }, this.secrets()));
  }
}
