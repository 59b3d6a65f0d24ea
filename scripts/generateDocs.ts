import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE } from '../shared/domain/catalogue';
import { SETTINGS } from '../shared/settingDefinitions';
import { renderErrorReference, withSettingsTable } from './docs/renderDocs';

/** Writes docs/errors.md and the README's settings table; `--check` only reports stale files. */
const root = join(__dirname, '..');
const check = process.argv.includes('--check');
const outputs = [
  { path: join(root, 'docs', 'errors.md'), render: () => renderErrorReference(CATALOGUE) },
  {
    path: join(root, 'README.md'),
    render: () => withSettingsTable(readFileSync(join(root, 'README.md'), 'utf8'), SETTINGS),
  },
];
let stale = 0;
for (const output of outputs) {
  const fresh = output.render();
  let current = '';
  try {
    current = readFileSync(output.path, 'utf8');
  } catch {
    current = '';
  }
  if (current === fresh) continue;
  stale++;
  if (check) console.error(`${output.path} is out of date: run npm run docs`);
  else writeFileSync(output.path, fresh);
}
if (check && stale > 0) process.exit(1);
