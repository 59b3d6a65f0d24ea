import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { coldStart } from './coldStart';
import { printComparison, type Results, refTree } from './compare';
import { handlerCpu } from './handlerCpu';
import { mailboxScaleOut } from './mailboxScaleOut';
import { multiResource } from './multiResource';
import { type Figure, machine, printFigures, writeResults } from './report';
import { retryPassCost } from './retryPassCost';
import { medianOfRounds } from './rounds';
import { standInSpeeds } from './standInSpeeds';
import { throughput } from './throughput';

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
    twoway: () =>
      throughput({
        changes: size(5_000, 1_000),
        mailboxes: 20,
        latencyMs: 50,
        concurrency: 256,
        label: 'two-way sync on, 20 mailboxes',
        twoWay: true,
      }),
    multi: () => multiResource(size(20, 5)),
    scaleout: async () => {
      const figures = [];
      const shapes = [
        { instances: 4, perInstance: 4, adaptive: false },
        { instances: 4, perInstance: 2, adaptive: false },
        { instances: 4, perInstance: 1, adaptive: false },
        { instances: 4, perInstance: 4, adaptive: true },
        { instances: 1, perInstance: 4, adaptive: true },
      ];
      for (const shape of shapes)
        figures.push(...(await mailboxScaleOut({ ...shape, creates: size(250, 50), latencyMs: 50 })));
      return figures;
    },
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

/** Runs the named benchmarks once, noting the load at each one's start under `loads[name#round]`. */
async function runOnce(
  only: readonly string[],
  all: Record<string, Benchmark>,
  round: number,
  loads: Record<string, string>,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const name of only) {
    const benchmark = all[name];
    if (!benchmark) throw new Error(`no benchmark named ${name}; known: ${Object.keys(all).join(', ')}`);
    const started = Date.now();
    loads[`${name}#${round}`] = load();
    process.stderr.write(`running ${name}, round ${round} (load ${load()})…\n`);
    figures.push(...(await benchmark()));
    process.stderr.write(`  ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return figures;
}

/**
 * `npm run bench`: every benchmark against the local stand-ins (in a process of their own); prints
 * a table and writes bench/results.json. `--quick` runs smaller sizes; `--only cpu,hot` runs some;
 * `--compare <ref>` also runs the same benchmarks against the connector of commit `ref`, first,
 * then prints both side by side as ratios; `--rounds <n>` runs everything n times (with
 * `--compare`, turn about: ref, this, ref, this…) and keeps each figure's median round.
 */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const ref = option('--compare');
  const rounds = Number(option('--rounds') ?? '1');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number from 1');
  const forwarded = process.argv
    .slice(2)
    .filter((arg, i, args) => !['--compare', '--rounds'].some((o) => arg === o || args[i - 1] === o));
  const all = benchmarks(quick);
  const only = option('--only')?.split(',') ?? Object.keys(all);
  const tree = ref ? refTree(ref) : undefined;
  const refRuns: Results[] = [];
  const runs: Figure[][] = [];
  const loads: Record<string, string> = {};
  try {
    for (let round = 1; round <= rounds; round++) {
      if (tree) refRuns.push(tree.bench(forwarded));
      runs.push(await runOnce(only, all, round, loads));
    }
  } finally {
    tree?.remove();
  }
  const figures = medianOfRounds(runs);
  const before =
    ref && refRuns.length > 0
      ? {
          ranAt: refRuns[0]?.ranAt ?? '',
          load: refRuns.map((r) => r.load).join(' | '),
          loadAtStart: Object.fromEntries(
            refRuns.flatMap((r, i) =>
              Object.entries(r.loadAtStart ?? {}).map(([name, l]) => [name.replace(/#\d+$/, `#${i + 1}`), l]),
            ),
          ),
          figures: medianOfRounds(refRuns.map((r) => r.figures)),
        }
      : undefined;
  console.log(`\n${machine()}, load ${load()}${rounds > 1 ? `, median of ${rounds} rounds` : ''}\n`);
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
