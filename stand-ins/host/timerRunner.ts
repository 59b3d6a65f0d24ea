import { InvocationContext, type Timer } from '@azure/functions';
import { type FunctionDefinition, resolveBindingExpression } from '../../shared/host/functionDefinitions';
import { parseNcrontab } from './ncrontab';

type TimerDefinition = Extract<FunctionDefinition, { trigger: 'timer' }>;

export interface RunningTimer {
  stop(): Promise<void>;
}

/** Runs a timer-triggered function on its NCRONTAB schedule; the next run is armed only after one ends. */
export function runTimerFunction(
  definition: TimerDefinition,
  options: {
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly onLog?: (level: string, args: unknown[]) => void;
  } = {},
): RunningTimer {
  const schedule = parseNcrontab(
    resolveBindingExpression(definition.options.schedule, options.env ?? process.env),
  );
  const log = options.onLog ?? (() => {});
  let timeout: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastRun: Date | undefined;

  const invoke = (): Promise<void> => {
    const context = new InvocationContext({
      functionName: definition.name,
      invocationId: `${definition.name}:${Date.now()}`,
      logHandler: (level, ...args) => log(level, args),
    });
    const now = new Date();
    const timer: Timer = {
      isPastDue: false,
      schedule: { adjustForDST: false },
      scheduleStatus: {
        last: (lastRun ?? now).toISOString(),
        next: schedule.next(now).toISOString(),
        lastUpdated: now.toISOString(),
      },
    };
    lastRun = now;
    running = (async () => {
      try {
        await definition.options.handler(timer, context);
      } catch (error) {
        log('error', [`${definition.name} failed`, error]);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const arm = () => {
    if (stopped) return;
    const delay = Math.max(0, schedule.next(new Date()).getTime() - Date.now());
    timeout = setTimeout(() => {
      void invoke().finally(arm);
    }, delay);
  };
  arm();
  return {
    async stop() {
      stopped = true;
      if (timeout) clearTimeout(timeout);
      await running;
    },
  };
}
