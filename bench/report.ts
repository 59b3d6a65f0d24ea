import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** One measured figure with its goal, as printed and as written to bench/results.json. */
export interface Figure {
  readonly benchmark: string;
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly goal: string;
  /** Whether the goal is met; undefined when the figure has no pass/fail goal. */
  readonly met?: boolean;
}

/** Runs `work` over the items with at most `concurrency` in flight. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

export function printFigures(figures: readonly Figure[]): void {
  const rows = figures.map((f) => [
    f.benchmark,
    f.figure,
    `${Number.isInteger(f.value) ? f.value : f.value.toFixed(3)} ${f.unit}`,
    f.goal,
    f.met === undefined ? '' : f.met ? 'met' : 'MISSED',
  ]);
  const header = ['benchmark', 'figure', 'value', 'goal', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

export function writeResults(results: {
  command: string;
  load: string;
  /** The load average when each benchmark started, by name. */
  loadAtStart: Readonly<Record<string, string>>;
  figures: readonly Figure[];
}): string {
  const file = join(__dirname, 'results.json');
  mkdirSync(__dirname, { recursive: true });
  const { command, ...rest } = results;
  writeFileSync(
    file,
    `${JSON.stringify({ command, machine: machine(), ranAt: new Date().toISOString(), ...rest }, null, 2)}\n`,
  );
  return file;
}
