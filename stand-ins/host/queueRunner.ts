import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import {
  ServiceBusClient,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
} from '@azure/service-bus';
import { type FunctionDefinition, resolveBindingExpression } from '../../shared/host/functionDefinitions';

type QueueDefinition = Extract<FunctionDefinition, { trigger: 'serviceBusQueue' }>;

export interface QueueRunnerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to host.json's `extensions.serviceBus.maxConcurrentCalls`. */
  readonly maxConcurrentCalls?: number;
  /** Receives each log line of the handler; defaults to dropping them. */
  readonly onLog?: (level: string, args: unknown[]) => void;
}

export interface RunningQueue {
  stop(): Promise<void>;
}

/** host.json's `extensions.serviceBus.maxConcurrentCalls`, as the host applies it. */
function hostMaxConcurrentCalls(): number {
  const host = JSON.parse(readFileSync(join(__dirname, '..', '..', 'host.json'), 'utf8')) as {
    extensions?: { serviceBus?: { maxConcurrentCalls?: number } };
  };
  return host.extensions?.serviceBus?.maxConcurrentCalls ?? 16;
}

/**
 * Runs a Service Bus–triggered function the way the Functions host does: peek-lock, the handler
 * called with the body and an InvocationContext carrying the trigger metadata, complete on return,
 * abandon on throw (Service Bus then redelivers, and dead-letters after maxDeliveryCount).
 */
export async function runQueueFunction(
  definition: QueueDefinition,
  options: QueueRunnerOptions = {},
): Promise<RunningQueue> {
  const env = options.env ?? process.env;
  const connectionString = env[definition.options.connection ?? ''];
  if (!connectionString) throw new Error(`${definition.options.connection} is not set`);
  const queueName = resolveBindingExpression(definition.options.queueName, env);
  const client = new ServiceBusClient(connectionString);
  const receiver: ServiceBusReceiver = client.createReceiver(queueName, { receiveMode: 'peekLock' });
  const maxConcurrentCalls = options.maxConcurrentCalls ?? hostMaxConcurrentCalls();
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
    const context = new InvocationContext({
      functionName: definition.name,
      invocationId: `${message.messageId ?? ''}:${message.deliveryCount ?? 0}`,
      triggerMetadata: {
        messageId: message.messageId,
        deliveryCount: message.deliveryCount,
        enqueuedTimeUtc: message.enqueuedTimeUtc?.toISOString(),
        applicationProperties: message.applicationProperties ?? {},
        deadLetterSource: message.deadLetterSource,
      },
      logHandler: (level, ...args) => log(level, args),
    });
    try {
      await definition.options.handler(message.body, context);
    } catch (error) {
      log('error', [`${definition.name} threw; the message is abandoned`, error]);
      await settle(() => receiver.abandonMessage(message)).catch(() => undefined);
      return;
    }
    await settle(() => receiver.completeMessage(message));
  };

  const subscription = receiver.subscribe(
    {
      processMessage: handle,
      processError: async (args) => log('error', [`receiver error: ${args.error.message}`]),
    },
    { autoCompleteMessages: false, maxConcurrentCalls },
  );
  return {
    async stop() {
      await subscription.close();
      await receiver.close();
      await client.close();
    },
  };
}
