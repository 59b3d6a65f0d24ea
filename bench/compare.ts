import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure } from './report';

const root = join(__dirname, '..');

export interface Results {
  readonly ranAt: string;
  readonly load: string;
  /** The load average when each benchmark started (absent from results of older benches). */
  readonly loadAtStart?: Readonly<Record<string, string>>;
  readonly figures: readonly Figure[];
}

function run(command: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`);
}

/** Another commit's connector, checked out once and benchmarked as often as asked. */
export interface RefTree {
  /** The same benchmarks (this tree's bench/) run against that commit's connector. */
  bench(args: readonly string[]): Results;
  remove(): void;
}

/** A detached worktree of `ref` with this bench/ copied in, this node_modules linked, and built. */
export function refTree(ref: string): RefTree {
  const tree = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  run('git', ['worktree', 'add', '--detach', '--force', tree, ref], root);
  const remove = () => run('git', ['worktree', 'remove', '--force', tree], root);
  try {
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
    cpSync(join(root, 'bench'), join(tree, 'bench'), { recursive: true });
    run(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      tree,
    );
  } catch (error) {
    remove();
    throw error;
  }
  const file = join(tree, 'bench', 'results.json');
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return {
    bench: (args) => {
      rmSync(file, { force: true });
      // The tree's own sandbox CA, trusted by the run it starts (as `npm run bench` does).
      run(
        process.execPath,
        [tsx, join('scripts', 'withSandboxCa.ts'), join('bench', 'run.ts'), ...args],
        tree,
      );
      if (!existsSync(file)) throw new Error(`the run at ${ref} wrote no results`);
      return JSON.parse(readFileSync(file, 'utf8')) as Results;
    },
    remove,
  };
}

function key(figure: Figure): string {
  return `${figure.benchmark} · ${figure.figure.replace(/\s*\(.*\)/, '').trim()}`;
}

/** Figures of both runs side by side, with the ratio this / ref (below 1 is less: faster, fewer). */
export function printComparison(ref: string, before: Results, after: readonly Figure[]): void {
  const earlier = new Map(before.figures.map((f) => [key(f), f]));
  const rows = after.map((f) => {
    const old = earlier.get(key(f));
    const ratio = old && old.value !== 0 ? (f.value / old.value).toFixed(2) : '—';
    return [key(f), old ? String(old.value) : '—', String(f.value), ratio, f.unit];
  });
  const header = ['figure', ref, 'this', 'ratio', 'unit (this run)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${ref} ran at load ${before.load}\n`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
