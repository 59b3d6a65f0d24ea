import { InvocationContext, type Timer } from '@azure/functions';
import { type FunctionDefinition, resolveBindingExpression } from '../../shared/host/functionDefinitions';
import { parseNcrontab } from './ncrontab';

type TimerDefinition = Extract<FunctionDefinition, { trigger: 'timer' }>;

export interface RunningTimer {
  readonly invocations: () => number;
  /** Runs the function once now, as the host's admin "run" endpoint does. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs a timer-triggered function on its NCRONTAB schedule; invocations never overlap, as in the host. */
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
  let invocations = 0;
  let stopped = false;
  let lastRun: Date | undefined;

  const invoke = async (): Promise<void> => {
    if (running) return running;
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
        invocations++;
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
    invocations: () => invocations,
    runNow: invoke,
    async stop() {
      stopped = true;
      if (timeout) clearTimeout(timeout);
      await running;
    },
  };
}
