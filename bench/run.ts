import { coldStart } from './coldStart';
import { mailboxScaleOut } from './mailboxScaleOut';
import { type Figure, machine, printFigures, writeResults } from './report';
import { retryPassCost } from './retryPassCost';
import { standInSpeeds } from './standInSpeeds';
import { handlerCpu, throughput } from './throughput';

/**
 * `npm run bench`: every benchmark against the local stand-ins; prints a table and writes
 * bench/results.json. `--quick` runs smaller sizes (a smoke test of the benchmarks themselves).
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const figures: Figure[] = [];
  const run = async (name: string, benchmark: () => Promise<Figure[]> | Figure[]) => {
    const started = Date.now();
    process.stderr.write(`running ${name}…\n`);
    figures.push(...(await benchmark()));
    process.stderr.write(`  ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  };
  await run('throughput, 200 mailboxes', () =>
    throughput({
      changes: quick ? 1_000 : 10_000,
      mailboxes: 200,
      latencyMs: 50,
      concurrency: 256,
      label: '200 mailboxes',
    }),
  );
  await run('throughput, 5 mailboxes', () =>
    throughput({
      changes: quick ? 500 : 2_000,
      mailboxes: 5,
      latencyMs: 50,
      concurrency: 64,
      label: '5 mailboxes',
    }),
  );
  for (const perInstance of [4, 1]) {
    await run(`one mailbox, 4 instances × ${perInstance}`, () =>
      mailboxScaleOut({ instances: 4, perInstance, creates: quick ? 50 : 250, latencyMs: 50 }),
    );
  }
  await run('retry pass cost', () => retryPassCost(quick ? 5_000 : 100_000, 1_000));
  await run('handler CPU', () => handlerCpu(quick ? 100 : 400));
  await run('cold start', () => coldStart(quick ? 3 : 7));
  await run('stand-in speeds', () => standInSpeeds(quick ? 3 : 7));
  console.log(`\n${machine()}\n`);
  printFigures(figures);
  const file = writeResults(figures, `npm run bench${quick ? ' -- --quick' : ''}`);
  console.log(`\nwritten to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
