import type { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';

export interface JsonMessage {
  readonly messageId: string;
  readonly body: unknown;
  /** When the queue makes it visible; absent: at once. */
  readonly scheduledAt?: Date;
  /** The session of a session-enabled queue (the change queue: the appointment's). */
  readonly sessionId?: string;
}

/** Sends JSON messages to one queue in as few batches as fit, each with its (deterministic) id. */
export class ServiceBusJsonSender {
  private sender: ServiceBusSender | undefined;

  constructor(
    private readonly client: ServiceBusClient,
    private readonly queueName: string,
    private readonly subject: string,
  ) {}

  async send(messages: readonly JsonMessage[]): Promise<void> {
    this.sender ??= this.client.createSender(this.queueName);
    const sender = this.sender;
    const tooLarge = (id: string) => new Error(`Message ${id} is larger than a Service Bus batch`);
    let batch = await sender.createMessageBatch();
    for (const { messageId, body, scheduledAt, sessionId } of messages) {
      const message: ServiceBusMessage = {
        messageId,
        body,
        contentType: 'application/json',
        subject: this.subject,
        ...(scheduledAt ? { scheduledEnqueueTimeUtc: scheduledAt } : {}),
        ...(sessionId ? { sessionId } : {}),
      };
      if (batch.tryAddMessage(message)) continue;
      if (batch.count === 0) throw tooLarge(messageId);
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
      if (!batch.tryAddMessage(message)) throw tooLarge(messageId);
    }
    if (batch.count > 0) await sender.sendMessages(batch);
  }

  async close(): Promise<void> {
    await this.sender?.close();
  }
}
