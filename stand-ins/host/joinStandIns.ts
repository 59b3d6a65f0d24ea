import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import type { StandIns } from '..';

/** What `.local/stand-ins.json` holds: how to reach each running stand-in, and the demo tenant. */
export interface StandInsDescription {
  readonly tableConnectionString?: string;
  readonly serviceBusConnectionString?: string;
  readonly authorityHost?: string;
  readonly graphEndpoint?: string;
  readonly caCertPath?: string;
  readonly demoTenant?: { tenantId: string; domain: string; clientId: string; clientSecret: string };
}

/** `npm run stand-ins` writes here; `npm start` joins what it names when it answers. */
export const DEFAULT_STAND_INS_FILE = join(__dirname, '..', '..', '.local', 'stand-ins.json');

export function describeStandIns(standIns: StandIns): StandInsDescription {
  return { ...standIns.endpoints, ...(standIns.sandbox ? { demoTenant: standIns.sandbox.tenant } : {}) };
}

export function writeStandInsFile(file: string, description: StandInsDescription): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(description, null, 2)}\n`);
}

/** Whether something listens on the loopback port of a `sb://127.0.0.1:<port>` connection string. */
function answers(connectionString: string): Promise<boolean> {
  const port = Number(connectionString.match(/sb:\/\/127\.0\.0\.1:(\d+)/)?.[1] ?? Number.NaN);
  if (!Number.isInteger(port)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * The stand-ins another process started and still runs (`npm run stand-ins`, or a test), read from
 * `file`; undefined when there is no such file or its Service Bus emulator no longer answers.
 */
export async function runningStandIns(file: string): Promise<StandInsDescription | undefined> {
  if (!existsSync(file)) return undefined;
  const description = JSON.parse(readFileSync(file, 'utf8')) as StandInsDescription;
  const { serviceBusConnectionString } = description;
  if (!serviceBusConnectionString || !(await answers(serviceBusConnectionString))) return undefined;
  return description;
}
