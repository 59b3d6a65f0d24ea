import type { InvocationContext, Timer } from '@azure/functions';
import { connector, operationalLog } from '../shared/connector';
import { registerFunction } from '../shared/host/functionDefinitions';

/** One retry pass: replays what failed in the window, once per appointment, with backoff. */
export async function retryFailed(_timer: Timer, context: InvocationContext): Promise<void> {
  const instance = connector();
  await instance.retryPass(operationalLog(context, instance.secrets)).run();
}

export const definition = registerFunction({
  name: 'retryFailed',
  trigger: 'timer',
  options: { schedule: '%RETRY_SCHEDULE%', handler: retryFailed },
});
