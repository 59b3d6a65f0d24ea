import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** One connector instance: `npm start`'s host in a process of its own, joined to running stand-ins. */
export interface ConnectorInstance {
  readonly name: string;
  readonly process: ChildProcess;
  /** Everything it printed. */
  output(): string;
  /** kill -9: no shutdown, its session locks are left to run out. */
  crash(): void;
  /** Ctrl-C: the host stops cleanly. */
  stop(): Promise<void>;
}

/**
 * Starts the local host (`stand-ins/host/main.ts`, as `npm start` does, on a free HTTP port) joined to
 * the stand-ins described in `standInsFile`, and waits until it serves.
 */
export async function startConnectorInstance(
  name: string,
  standInsFile: string,
  env: Record<string, string> = {},
): Promise<ConnectorInstance> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'stand-ins', 'host', 'main.ts'),
      '--port',
      '0',
      '--stand-ins',
      standInsFile,
    ],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const ready = () => {
      if (/Errors page: \S+/.test(output)) resolve();
    };
    child.stdout?.on('data', ready);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before serving:\n${output}`)));
  });
  if (!output.includes('Joined the running stand-ins')) throw new Error(`${name} did not join:\n${output}`);
  return {
    name,
    process: child,
    output: () => output,
    crash: () => {
      child.kill('SIGKILL');
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
