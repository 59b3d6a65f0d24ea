import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { coldStart } from './coldStart';
import { benchAt, printComparison } from './compare';
import { multiResource } from './multiResource';
import { type Figure, machine, printFigures, writeResults } from './report';
import { retryPassCost } from './retryPassCost';
import { standInSpeeds } from './standInSpeeds';
import { handlerCpu, throughput } from './throughput';

type Benchmark = () => Promise<Figure[]> | Figure[];

/** The benchmarks by name, at full or `--quick` sizes. */
function benchmarks(quick: boolean): Record<string, Benchmark> {
  const size = (full: number, small: number) => (quick ? small : full);
  return {
    hot: () =>
      throughput({
        changes: size(2_000, 400),
        mailboxes: 1,
        latencyMs: 50,
        concurrency: 16,
        label: 'hot mailbox',
      }),
    '20': () =>
      throughput({
        changes: size(5_000, 1_000),
        mailboxes: 20,
        latencyMs: 50,
        concurrency: 256,
        label: '20 mailboxes',
      }),
    '20host': () =>
      throughput({
        changes: size(5_000, 1_000),
        mailboxes: 20,
        latencyMs: 50,
        concurrency: hostConcurrency(),
        label: '20 mailboxes, host.json concurrency',
      }),
    '200': () =>
      throughput({
        changes: size(10_000, 1_000),
        mailboxes: 200,
        latencyMs: 50,
        concurrency: 256,
        label: '200 mailboxes',
      }),
    multi: () => multiResource(size(20, 5)),
    retry: () => retryPassCost(size(100_000, 5_000), 1_000),
    cpu: () => handlerCpu(size(400, 100)),
    cold: () => coldStart(size(7, 3)),
    speeds: () => standInSpeeds(size(7, 3)),
  };
}

/** How many messages one instance's Functions host hands the connector at once (host.json). */
function hostConcurrency(): number {
  const host = JSON.parse(readFileSync(join(__dirname, '..', 'host.json'), 'utf8')) as {
    extensions?: { serviceBus?: { maxConcurrentCalls?: number } };
  };
  const calls = host.extensions?.serviceBus?.maxConcurrentCalls;
  if (calls === undefined) throw new Error('host.json sets no extensions.serviceBus.maxConcurrentCalls');
  return calls;
}

/** The 1, 5 and 15 minute load averages: the machine is shared, so every figure carries it. */
function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index < 0 ? undefined : process.argv[index + 1];
}

/**
 * `npm run bench`: every benchmark against the local stand-ins (in a process of their own); prints
 * a table and writes bench/results.json. `--quick` runs smaller sizes; `--only cpu,hot` runs some;
 * `--compare <ref>` first runs the same benchmarks against the connector of commit `ref`, then
 * prints both side by side as ratios.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const ref = option('--compare');
  const forwarded = process.argv
    .slice(2)
    .filter((arg, i, args) => arg !== '--compare' && args[i - 1] !== '--compare');
  const before = ref ? benchAt(ref, forwarded) : undefined;
  const all = benchmarks(quick);
  const only = option('--only')?.split(',') ?? Object.keys(all);
  const figures: Figure[] = [];
  const loads: Record<string, string> = {};
  for (const name of only) {
    const benchmark = all[name];
    if (!benchmark) throw new Error(`no benchmark named ${name}; known: ${Object.keys(all).join(', ')}`);
    const started = Date.now();
    loads[name] = load();
    process.stderr.write(`running ${name} (load ${loads[name]})…\n`);
    figures.push(...(await benchmark()));
    process.stderr.write(`  ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  console.log(`\n${machine()}, load ${load()}\n`);
  printFigures(figures);
  if (ref && before) printComparison(ref, before, figures);
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  const file = writeResults({
    command,
    load: load(),
    loadAtStart: loads,
    figures,
    ...(ref && before ? { compare: { ref, ...before } } : {}),
  });
  console.log(`\nwritten to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
