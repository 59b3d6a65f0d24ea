import type { InvocationContext, Timer } from '@azure/functions';
import { connector, operationalLog } from '../shared/connector';
import { registerFunction } from '../shared/host/functionDefinitions';
import { configuredTwoWay } from '../shared/twoWayAccess';

/** Every 15 minutes, the delta of every subscribed mailbox: a lost notification costs at most that. */
export async function periodicDelta(_timer: Timer, context: InvocationContext): Promise<void> {
  const instance = connector();
  const log = operationalLog(context, instance.secrets);
  const twoWay = await configuredTwoWay(instance, log);
  await twoWay?.deltaForEveryMailbox(log);
}

export const definition = registerFunction({
  name: 'periodicDelta',
  trigger: 'timer',
  options: { schedule: '0 */15 * * * *', handler: periodicDelta },
});
