import { startLocalHost } from './localHost';
import { runUntilInterrupted } from './runUntilInterrupted';

/** The process `npm start` launches once the sandbox CA is trusted; Ctrl-C stops everything. */
runUntilInterrupted(() => startLocalHost());
