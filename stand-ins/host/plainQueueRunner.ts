import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { resolveBindingExpression } from '../../shared/host/functionDefinitions';
import { invokeQueueHandler, type QueueDefinition } from './invocation';

/** Messages handled at once; the host's default `maxConcurrentCalls`. */
const MAX_CONCURRENT_CALLS = 16;

/**
 * Runs a function on a queue without sessions, the way the Functions host does: peek-lock, complete
 * on return, abandon on throw. The queue's dead-letter subqueue is one: it never has sessions, even
 * when its queue requires them.
 */
export async function runPlainQueueFunction(
  definition: QueueDefinition,
  options: {
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly onLog?: (level: string, args: unknown[]) => void;
  } = {},
): Promise<{ stop(): Promise<void> }> {
  const env = options.env ?? process.env;
  const connectionString = env[definition.options.connection ?? ''];
  if (!connectionString) throw new Error(`${definition.options.connection} is not set`);
  const client = new ServiceBusClient(connectionString);
  const receiver = client.createReceiver(resolveBindingExpression(definition.options.queueName, env));
  const log = options.onLog ?? (() => {});
  // rhea 3.0.5 merges two different settlements made in the same tick into one disposition frame
  // (an abandon could complete a neighbour), so settlements go out one at a time.
  let settling: Promise<unknown> = Promise.resolve();
  const settle = (action: () => Promise<void>): Promise<void> => {
    const next = settling.then(action, action);
    settling = next.catch(() => undefined);
    return next;
  };
  const handle = async (message: ServiceBusReceivedMessage) => {
    if (await invokeQueueHandler(definition, message, log))
      await settle(() => receiver.completeMessage(message));
    else await settle(() => receiver.abandonMessage(message)).catch(() => undefined);
  };
  const subscription = receiver.subscribe(
    {
      processMessage: handle,
      processError: async (args) => log('error', [`receiver error: ${args.error.message}`]),
    },
    { autoCompleteMessages: false, maxConcurrentCalls: MAX_CONCURRENT_CALLS },
  );
  return {
    async stop() {
      await subscription.close();
      await receiver.close();
      await client.close();
    },
  };
}
