import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Figure, median } from './report';

const root = join(__dirname, '..');

function timeNode(script: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cold start run failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Time for a fresh Node process to import every built function file, minus an empty Node start. */
export function coldStart(runs = 7): Figure[] {
  const functionsDir = join(root, 'dist', 'functions');
  if (!existsSync(functionsDir)) throw new Error('Build first: npm run build');
  const importAll = `for (const f of require('fs').readdirSync(${JSON.stringify(functionsDir)})) if (f.endsWith('.js')) require(require('path').join(${JSON.stringify(functionsDir)}, f));`;
  const baseline: number[] = [];
  const withApp: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(timeNode(''));
    withApp.push(timeNode(importAll));
  }
  const importMs = median(withApp) - median(baseline);
  return [
    {
      benchmark: '7 cold start',
      figure: 'import of the built app (median, minus bare Node start)',
      value: Math.round(importMs),
      unit: 'ms',
      goal: 'report (lower is better; < 1,000 ms)',
      met: importMs < 1000,
    },
    {
      benchmark: '7 cold start',
      figure: 'bare Node start (median)',
      value: Math.round(median(baseline)),
      unit: 'ms',
      goal: 'baseline',
    },
  ];
}
