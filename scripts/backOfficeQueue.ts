import { ServiceBusClient } from '@azure/service-bus';
import type { LocalEndpoints } from './localEndpoints';

/** `--read-backoffice`: takes what is on the back-office queue (as the back office would) and prints it. */
export async function readBackOffice(endpoints: LocalEndpoints): Promise<void> {
  const queue = endpoints.backOfficeQueueName ?? 'backoffice-changes';
  const client = new ServiceBusClient(endpoints.serviceBusConnectionString);
  const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
  try {
    const messages = await receiver.receiveMessages(100, { maxWaitTimeInMs: 3_000 });
    for (const message of messages) console.log(JSON.stringify(message.body, null, 2));
    console.log(`Read ${messages.length} message${messages.length === 1 ? '' : 's'} from ${queue}.`);
  } finally {
    await receiver.close();
    await client.close();
  }
}
