import { startStandIns } from '../stand-ins';

/**
 * The stand-ins of one benchmark in a process of their own, so the benchmark's CPU figures are the
 * connector's alone. Started by `remoteStandIns` over an IPC channel: it answers `ready` with the
 * endpoints, then `reset` and `readings` requests, and stops when the channel closes.
 */
async function main(): Promise<void> {
  const latencyMs = Number(process.argv[2] ?? '0');
  const standIns = await startStandIns({ sandbox: { latencyMs } });
  const { sandbox, azurite, serviceBus } = standIns;
  if (!sandbox || !azurite || !serviceBus || !process.send) throw new Error('stand-ins missing');
  const send = (message: unknown) => process.send?.(message);
  process.on('message', (request: { id: number; op: 'reset' | 'readings' }) => {
    if (request.op === 'reset') {
      sandbox.graph.reset();
      sandbox.entra.counters.reset();
      send({ id: request.id });
      return;
    }
    const summary = sandbox.graph.counters.summary();
    send({
      id: request.id,
      result: {
        totalRequests: summary.totalRequests,
        throttled: sandbox.graph.counters.throttled(),
        peakConcurrency: Math.max(0, ...Object.values(summary.peakConcurrencyByMailbox)),
        tokenRequests: sandbox.entra.counters.tokenRequests,
        // `--compare` runs this file against an older commit's stand-ins, which may not count it.
        graphHeldMs: (summary as { heldMs?: number }).heldMs,
        cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
      },
    });
  });
  process.on('disconnect', () => {
    void standIns.stop().finally(() => process.exit(0));
  });
  send({
    ready: {
      tableConnectionString: azurite.connectionString,
      serviceBusConnectionString: serviceBus.connectionString,
      authorityHost: sandbox.authorityHost,
      graphEndpoint: sandbox.graphEndpoint,
      tenant: sandbox.tenant,
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
