import type { InvocationContext, Timer } from '@azure/functions';
import { connector, operationalLog } from '../shared/connector';
import { registerFunction } from '../shared/host/functionDefinitions';
import { configuredTwoWay } from '../shared/twoWayAccess';

/** Every 6 hours: renews subscriptions within 2 days of expiry (Graph allows 7) and recreates lost ones. */
export async function renewSubscriptions(_timer: Timer, context: InvocationContext): Promise<void> {
  const instance = connector();
  const log = operationalLog(context, instance.secrets);
  const twoWay = await configuredTwoWay(instance, log);
  if (twoWay) log.info('subscriptions renewed', { renewed: await twoWay.subscriptions(log).renewAll() });
}

export const definition = registerFunction({
  name: 'renewSubscriptions',
  trigger: 'timer',
  options: { schedule: '0 0 */6 * * *', handler: renewSubscriptions },
});
