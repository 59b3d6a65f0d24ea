/**
 * Runs a long-lived local process: `start` brings it up, Ctrl-C (or SIGTERM) stops it once and exits;
 * a failure to start exits with 1.
 */
export function runUntilInterrupted(start: () => Promise<{ stop(): Promise<void> }>): void {
  start()
    .then((running) => {
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        console.log('Stopping…');
        await running.stop();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
