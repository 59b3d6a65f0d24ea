import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalHost } from './localHost';
import { runUntilInterrupted } from './runUntilInterrupted';

/**
 * The process `npm start` launches once the sandbox CA is trusted; Ctrl-C stops everything.
 * `npm start -- --port 7072` serves HTTP on another port (default PORT, else 7071; 0 picks a free
 * one), so several instances can run side by side; `--stand-ins <file>` names the running stand-ins
 * to join (default `.local/stand-ins.json`).
 */
const { values } = parseArgs({
  options: { port: { type: 'string' }, 'stand-ins': { type: 'string' } },
});
const port = values.port ?? process.env.PORT;
const standInsFile = values['stand-ins'];
runUntilInterrupted(() =>
  startLocalHost({
    ...(port !== undefined ? { port: Number(port) } : {}),
    ...(standInsFile ? { standInsFile: resolve(standInsFile) } : {}),
  }),
);
