import { InvocationContext } from '@azure/functions';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { FunctionDefinition } from '../../shared/host/functionDefinitions';

export type QueueDefinition = Extract<FunctionDefinition, { trigger: 'serviceBusQueue' }>;

/**
 * Calls a Service Bus–triggered handler as the Functions host does: the body, and an
 * InvocationContext with the trigger metadata. Answers whether it returned (complete) or threw (abandon).
 */
export async function invokeQueueHandler(
  definition: QueueDefinition,
  message: ServiceBusReceivedMessage,
  log: (level: string, args: unknown[]) => void,
): Promise<boolean> {
  const context = new InvocationContext({
    functionName: definition.name,
    invocationId: `${message.messageId ?? ''}:${message.deliveryCount ?? 0}`,
    triggerMetadata: {
      messageId: message.messageId,
      sessionId: message.sessionId,
      // The Functions host counts from 1 (.NET's DeliveryCount); the JavaScript SDK from 0.
      deliveryCount: (message.deliveryCount ?? 0) + 1,
      enqueuedTimeUtc: message.enqueuedTimeUtc?.toISOString(),
      applicationProperties: message.applicationProperties ?? {},
      deadLetterSource: message.deadLetterSource,
    },
    logHandler: (level, ...args) => log(level, args),
  });
  try {
    await definition.options.handler(message.body, context);
    return true;
  } catch (error) {
    log('error', [`${definition.name} threw; the message is abandoned`, error]);
    return false;
  }
}
