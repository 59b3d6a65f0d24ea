import { startLocalHost } from './localHost';

/** The process `npm start` launches once the sandbox CA is trusted; Ctrl-C stops everything. */
async function main(): Promise<void> {
  const host = await startLocalHost();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    await host.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
