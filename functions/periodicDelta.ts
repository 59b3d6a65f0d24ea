import type { InvocationContext, Timer } from '@azure/functions';
import { connector, operationalLog } from '../shared/connector';
import { registerFunction } from '../shared/host/functionDefinitions';

/** Every 15 minutes, the delta of every subscribed mailbox: a lost notification costs at most that. */
export async function periodicDelta(_timer: Timer, context: InvocationContext): Promise<void> {
  const instance = connector();
  const twoWay = instance.twoWay();
  if (!twoWay.ok || !twoWay.value) return;
  await twoWay.value.deltaForEveryMailbox(operationalLog(context, instance.secrets));
}

export const definition = registerFunction({
  name: 'periodicDelta',
  trigger: 'timer',
  options: { schedule: '0 */15 * * * *', handler: periodicDelta },
});
