import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StandIns, startStandIns } from '.';
import { runUntilInterrupted } from './host/runUntilInterrupted';

/** `npm run stand-ins`: starts all three stand-ins, writes .local/stand-ins.json, runs until interrupted. */
async function start(): Promise<StandIns> {
  const startedAt = Date.now();
  const standIns = await startStandIns();
  const file = join(__dirname, '..', '.local', 'stand-ins.json');
  mkdirSync(join(__dirname, '..', '.local'), { recursive: true });
  const description = {
    ...standIns.endpoints,
    ...(standIns.sandbox ? { demoTenant: standIns.sandbox.tenant } : {}),
  };
  writeFileSync(file, `${JSON.stringify(description, null, 2)}\n`);
  console.log(JSON.stringify(standIns.endpoints, null, 2));
  console.log(`Stand-ins ready in ${Date.now() - startedAt} ms; written to ${file}. Ctrl-C stops them.`);
  return standIns;
}

runUntilInterrupted(start);
