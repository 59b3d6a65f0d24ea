import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/*
 * `npm run package`: the deployment package, production dependencies only. It stages what runs
 * (host.json, package.json, the lock file, the compiled functions and shared code, `npm ci
 * --omit=dev`) in a temporary folder, outside the project so that no module resolves from the
 * project's own node_modules, checks that every function loads from there, zips it to
 * .local/package.zip and copies it to .local/package. azd runs this script itself and deploys .local/package (azure.yaml `dist`).
 * Run `npm run build` first (azd's build step does).
 */

const root = join(__dirname, '..');
const staging = join(root, '.local', 'package');
const zip = join(root, '.local', 'package.zip');
/** Compiled folders that run in Azure; dist/ also holds the compiled tests, stand-ins and tools. */
const RUNTIME_FOLDERS = ['functions', 'shared'];

function filesUnder(folder: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

const work = mkdtempSync(join(tmpdir(), 'exchange-connector-package-'));
for (const file of ['host.json', 'package.json', 'package-lock.json'])
  cpSync(join(root, file), join(work, file));
for (const folder of RUNTIME_FOLDERS) {
  cpSync(join(root, 'dist', folder), join(work, 'dist', folder), {
    recursive: true,
    filter: (source) => !source.endsWith('.map'),
  });
}
execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
  cwd: work,
  stdio: 'inherit',
});

// Every function module loads with production dependencies only (registering a function outside
// the Functions host only logs that there is no host).
const functions = readdirSync(join(work, 'dist', 'functions')).filter((f) => f.endsWith('.js'));
if (functions.length === 0) throw new Error('no compiled functions: run `npm run build` first');
const load = functions.map((f) => `require(${JSON.stringify(join(work, 'dist', 'functions', f))});`).join('');
try {
  execFileSync(process.execPath, ['-e', load], { cwd: work, stdio: 'pipe' });
} catch (error) {
  process.stderr.write((error as { stderr?: Buffer }).stderr ?? '');
  throw new Error('a function does not load from the package (see above)');
}

rmSync(zip, { force: true });
mkdirSync(join(root, '.local'), { recursive: true });
execFileSync('zip', ['-q', '-r', '-X', '-y', zip, '.'], { cwd: work });
rmSync(staging, { recursive: true, force: true });
cpSync(work, staging, { recursive: true, verbatimSymlinks: true });
rmSync(work, { recursive: true, force: true });
const { files, bytes } = filesUnder(staging);
const mib = (n: number) => (n / 1048576).toFixed(1);
console.log(
  `${relative(root, staging)}: ${files} files, ${bytes} bytes (${mib(bytes)} MiB); ` +
    `${relative(root, zip)}: ${statSync(zip).size} bytes (${mib(statSync(zip).size)} MiB)`,
);
