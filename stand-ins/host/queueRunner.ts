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
  /** Called after each message is settled, for tests that wait on outcomes. */
  readonly onSettled?: (outcome: {
    messageId: string;
    settlement: 'completed' | 'abandoned';
    error?: unknown;
  }) => void;
}

export interface RunningQueue {
  /** Messages handled so far (completed + abandoned). */
  readonly handled: () => number;
  stop(): Promise<void>;
}

export function hostServiceBusSettings(): { maxConcurrentCalls: number; autoCompleteMessages: boolean } {
  const host = JSON.parse(readFileSync(join(__dirname, '..', '..', 'host.json'), 'utf8')) as {
    extensions?: { serviceBus?: { maxConcurrentCalls?: number; autoCompleteMessages?: boolean } };
  };
  return {
    maxConcurrentCalls: host.extensions?.serviceBus?.maxConcurrentCalls ?? 16,
    autoCompleteMessages: host.extensions?.serviceBus?.autoCompleteMessages ?? true,
  };
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
  const maxConcurrentCalls = options.maxConcurrentCalls ?? hostServiceBusSettings().maxConcurrentCalls;
  let handled = 0;
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
      },
      logHandler: (level, ...args) => log(level, args),
    });
    let settlement: 'completed' | 'abandoned' = 'completed';
    let failure: unknown;
    try {
      await definition.options.handler(message.body, context);
    } catch (error) {
      settlement = 'abandoned';
      failure = error;
      log('error', [`${definition.name} threw; the message is abandoned`, error]);
    }
    if (settlement === 'completed') await settle(() => receiver.completeMessage(message));
    else await settle(() => receiver.abandonMessage(message)).catch(() => undefined);
    handled++;
    options.onSettled?.({
      messageId: String(message.messageId ?? ''),
      settlement,
      ...(failure ? { error: failure } : {}),
    });
  };

  const subscription = receiver.subscribe(
    {
      processMessage: handle,
      processError: async (args) => log('error', [`receiver error: ${args.error.message}`]),
    },
    { autoCompleteMessages: false, maxConcurrentCalls },
  );
  return {
    handled: () => handled,
    async stop() {
      await subscription.close();
      await receiver.close();
      await client.close();
    },
  };
}
