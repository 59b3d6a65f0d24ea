import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/** What the stand-ins' process reports of the sandbox's counters. */
export interface Readings {
  readonly totalRequests: number;
  readonly throttled: number;
  /** Most requests in flight to any one mailbox. */
  readonly peakConcurrency: number;
  readonly tokenRequests: number;
  /** Milliseconds Graph held admitted requests, summed (absent from stand-ins that do not count it). */
  readonly graphHeldMs?: number;
  /** CPU time the stand-ins' process has used since it started, in ms. */
  readonly cpuMs: number;
}

export interface RemoteStandIns {
  readonly tableConnectionString: string;
  readonly serviceBusConnectionString: string;
  readonly authorityHost: string;
  readonly graphEndpoint: string;
  readonly tenant: { tenantId: string; domain: string; clientId: string; clientSecret: string };
  /** Empties calendars and resets the counters. */
  reset(): Promise<void>;
  readings(): Promise<Readings>;
  stop(): Promise<void>;
}

/** Starts Azurite, the Service Bus emulator and the sandbox in a child process (see standInsProcess.ts). */
export async function remoteStandIns(options: { latencyMs?: number } = {}): Promise<RemoteStandIns> {
  const child = fork(join(__dirname, 'standInsProcess.ts'), [String(options.latencyMs ?? 0)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Omit<RemoteStandIns, 'reset' | 'readings' | 'stop'>>((resolve, reject) => {
    child.once('message', (message: { ready?: RemoteStandIns }) =>
      message.ready ? resolve(message.ready) : reject(new Error('stand-ins did not start')),
    );
    child.once('exit', (code) => reject(new Error(`stand-ins exited with ${code}`)));
  });
  const ask = requester(child);
  return {
    ...ready,
    reset: async () => {
      await ask('reset');
    },
    readings: () => ask('readings') as Promise<Readings>,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

function requester(child: ChildProcess): (op: 'reset' | 'readings') => Promise<unknown> {
  let next = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  child.on('message', (message: { id?: number; result?: unknown }) => {
    if (message.id === undefined) return;
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  });
  return (op) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      child.send({ id, op });
    });
}
