import { type StandIns, startStandIns } from '.';
import { configureDemoTenant } from './host/demoTenant';
import { DEFAULT_STAND_INS_FILE, describeStandIns, writeStandInsFile } from './host/joinStandIns';
import { runUntilInterrupted } from './host/runUntilInterrupted';

/**
 * `npm run stand-ins`: starts all three stand-ins (the demo tenant's failing mailboxes set up as
 * `npm start` does), writes .local/stand-ins.json, runs until interrupted. `npm start` in other
 * terminals joins them: several connector instances on one queue, one Table Storage, one Graph.
 */
async function start(): Promise<StandIns> {
  const startedAt = Date.now();
  const standIns = await startStandIns();
  if (standIns.sandbox) configureDemoTenant(standIns.sandbox);
  writeStandInsFile(DEFAULT_STAND_INS_FILE, describeStandIns(standIns));
  console.log(JSON.stringify(standIns.endpoints, null, 2));
  console.log(
    `Stand-ins ready in ${Date.now() - startedAt} ms; written to ${DEFAULT_STAND_INS_FILE}. ` +
      'Run npm start in other terminals to join them (npm start -- --port <port> for each further one). Ctrl-C stops them.',
  );
  return standIns;
}

runUntilInterrupted(start);
