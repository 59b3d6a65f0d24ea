import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from '@azure/service-bus';
import type { ReplaySender } from '../domain/ports';
import type { ReplayRequest } from '../domain/replayMessage';
import { appointmentSessionId } from '../domain/sessionIds';
import type { ServiceConnection } from '../settings';
import { azureCredential } from './azureCredential';

/** A failing send gives up within seconds: the retry pass fails cleanly and the next pass sends. */
const RETRY_OPTIONS = { maxRetries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 2_000, timeoutInMs: 10_000 };

export function serviceBusClient(connection: ServiceConnection): ServiceBusClient {
  return connection.kind === 'connectionString'
    ? new ServiceBusClient(connection.connectionString, { retryOptions: RETRY_OPTIONS })
    : new ServiceBusClient(connection.endpoint, azureCredential(connection.managedIdentityClientId), {
        retryOptions: RETRY_OPTIONS,
      });
}

/** Sends replay requests to the change queue in as few batches as fit, with their deterministic ids. */
export class ServiceBusReplaySender implements ReplaySender {
  private sender: ServiceBusSender | undefined;

  constructor(
    private readonly client: ServiceBusClient,
    private readonly queueName: string,
  ) {}

  async send(messages: readonly { messageId: string; body: ReplayRequest }[]): Promise<void> {
    this.sender ??= this.client.createSender(this.queueName);
    const sender = this.sender;
    let batch = await sender.createMessageBatch();
    for (const { messageId, body } of messages) {
      const message: ServiceBusMessage = {
        messageId,
        body,
        contentType: 'application/json',
        subject: 'replay',
        // The appointment's session: the replay runs after, never beside, its other changes.
        sessionId: appointmentSessionId(body.appointmentId),
      };
      if (batch.tryAddMessage(message)) continue;
      if (batch.count === 0)
        throw new Error(`Replay message ${messageId} is larger than a Service Bus batch`);
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
      if (!batch.tryAddMessage(message))
        throw new Error(`Replay message ${messageId} is larger than a Service Bus batch`);
    }
    if (batch.count > 0) await sender.sendMessages(batch);
  }

  async close(): Promise<void> {
    await this.sender?.close();
  }
}
