import type { InvocationContext } from '@azure/functions';
import { connector, operationalLog } from '../shared/connector';
import { registerFunction } from '../shared/host/functionDefinitions';

/**
 * One change message from the back office → one recorded transaction. Returning completes the
 * message; throwing (only when the outcome could not be recorded) makes Service Bus redeliver it.
 */
export async function syncAppointment(message: unknown, context: InvocationContext): Promise<void> {
  const instance = connector();
  const metadata = context.triggerMetadata ?? {};
  const messageId = typeof metadata.messageId === 'string' ? metadata.messageId : undefined;
  const deliveryCount = typeof metadata.deliveryCount === 'number' ? metadata.deliveryCount : undefined;
  await instance.processor(operationalLog(context, instance.secrets)).process(message, {
    ...(messageId ? { messageId } : {}),
    ...(deliveryCount !== undefined ? { deliveryCount } : {}),
  });
}

export const definition = registerFunction({
  name: 'syncAppointment',
  trigger: 'serviceBusQueue',
  options: {
    connection: 'ServiceBusConnection',
    queueName: '%APPOINTMENT_QUEUE%',
    // One session per appointment (the back office's sessionId): its changes run one at a time, in order, across instances.
    isSessionsEnabled: true,
    handler: syncAppointment,
  },
});
