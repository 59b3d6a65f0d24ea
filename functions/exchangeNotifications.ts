import type { InvocationContext } from '@azure/functions';
import { connector, operationalLog } from '../shared/connector';
import { registerFunction } from '../shared/host/functionDefinitions';
import { configuredTwoWay } from '../shared/twoWayAccess';

/** One message of the notification queue: the mailbox's delta, a lifecycle event, or watch/unwatch. */
export async function exchangeNotifications(message: unknown, context: InvocationContext): Promise<void> {
  const instance = connector();
  const log = operationalLog(context, instance.secrets);
  const twoWay = await configuredTwoWay(instance, log);
  if (!twoWay) {
    log.error('notification dropped', { reason: 'two-way sync is off or its settings are invalid' });
    return;
  }
  await twoWay.process(message, log);
}

export const definition = registerFunction({
  name: 'exchangeNotifications',
  trigger: 'serviceBusQueue',
  options: {
    connection: 'ServiceBusConnection',
    queueName: '%EXCHANGE_NOTIFICATIONS_QUEUE%',
    handler: exchangeNotifications,
  },
});
