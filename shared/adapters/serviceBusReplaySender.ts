import { ServiceBusClient } from '@azure/service-bus';
import type { ReplaySender } from '../domain/ports';
import type { ReplayRequest } from '../domain/replayMessage';
import { appointmentSessionId } from '../domain/sessionIds';
import type { ServiceConnection } from '../settings';
import { azureCredential } from './azureCredential';
import { ServiceBusJsonSender } from './serviceBusJsonSender';

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
  private readonly sender: ServiceBusJsonSender;

  constructor(client: ServiceBusClient, queueName: string) {
    this.sender = new ServiceBusJsonSender(client, queueName, 'replay');
  }

  send(messages: readonly { messageId: string; body: ReplayRequest }[]): Promise<void> {
    // The appointment's session: the replay runs after, never beside, its other changes.
    return this.sender.send(
      messages.map((message) => ({
        ...message,
        sessionId: appointmentSessionId(message.body.appointmentId),
      })),
    );
  }

  close(): Promise<void> {
    return this.sender.close();
  }
}
