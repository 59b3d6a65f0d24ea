import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BicepRun, bicepVersion, compileMain, restoreBicep, runBicep } from './bicep';

/*
 * `npm run infra:build`: restores the pinned Bicep CLI if needed, compiles infra/main.bicep to
 * .local/infra/main.json and lints it. Any error or warning fails the run.
 */

const output = join(__dirname, '..', '.local', 'infra', 'main.json');

function report(step: string, run: BicepRun): boolean {
  for (const d of run.diagnostics)
    console.log(`${d.file}(${d.line},${d.column}) : ${d.level} ${d.rule}: ${d.message}`);
  if (run.otherOutput) console.log(run.otherOutput);
  const counted = (level: string) => run.diagnostics.filter((d) => d.level === level).length;
  const errors = counted('Error');
  const warnings = counted('Warning');
  console.log(`bicep ${step}: ${errors} errors, ${warnings} warnings (exit code ${run.exitCode})`);
  return run.exitCode === 0 && errors === 0 && warnings === 0 && run.otherOutput === '';
}

restoreBicep();
console.log(`Bicep CLI ${bicepVersion()}`);
const build = compileMain();
mkdirSync(join(output, '..'), { recursive: true });
if (build.exitCode === 0) writeFileSync(output, build.stdout);
const built = report('build', build);
const linted = report('lint', runBicep(['lint', join('infra', 'main.bicep')]));
if (built) console.log(`wrote ${output}`);
process.exit(built && linted ? 0 : 1);
