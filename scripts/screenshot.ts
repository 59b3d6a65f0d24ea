import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Refreshes the README's picture of the Errors page: runs the browser test (which writes its
 * screenshot to the ignored `.local/screenshots/`) as CI does, so a missing Chromium fails instead
 * of skipping, then copies the fresh screenshot to docs/errors-page.png.
 */
const root = join(__dirname, '..');
const taken = join(root, '.local', 'screenshots', 'errors-page.png');
const published = join(root, 'docs', 'errors-page.png');

rmSync(taken, { force: true });
const run = spawnSync('npx', ['vitest', 'run', 'test/e2e/errorsPage.browser.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CI: 'true' },
});
if (run.status !== 0) process.exit(run.status ?? 1);
copyFileSync(taken, published);
console.log(`updated ${published}`);
