import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The Bicep CLI, restored from NuGet by `dotnet restore infra/tools/bicep.proj` into
 * infra/tools/packages/ (gitignored). The project file holds the one pinned version.
 */

const root = join(__dirname, '..');
const toolsProject = join(root, 'infra', 'tools', 'bicep.proj');
const PACKAGE = 'Azure.Bicep.CommandLine.linux-x64';

export interface BicepDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly level: 'Error' | 'Warning' | 'Info';
  readonly rule: string;
  readonly message: string;
}

export interface BicepRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly diagnostics: readonly BicepDiagnostic[];
  /** stderr lines that are not diagnostics (crashes, usage errors). */
  readonly otherOutput: string;
}

/** The version pinned in infra/tools/bicep.proj. */
export function bicepVersion(): string {
  const pinned = new RegExp(`Include="${PACKAGE.replace(/\./g, '\\.')}" Version="\\[([\\d.]+)\\]"`).exec(
    readFileSync(toolsProject, 'utf8'),
  );
  if (!pinned) throw new Error(`${toolsProject} pins no exact version of ${PACKAGE}`);
  return pinned[1]!;
}

export function bicepPath(): string {
  return join(root, 'infra', 'tools', 'packages', PACKAGE.toLowerCase(), bicepVersion(), 'tools', 'bicep');
}

/** Restores the pinned Bicep CLI through NuGet unless it is there already; returns its path. */
export function restoreBicep(): string {
  const path = bicepPath();
  if (existsSync(path)) return path;
  const restore = spawnSync('dotnet', ['restore', toolsProject, '--verbosity', 'quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (restore.error || restore.status !== 0 || !existsSync(path)) {
    throw new Error(
      `Could not restore ${PACKAGE} ${bicepVersion()} with \`dotnet restore ${toolsProject}\` ` +
        `(${restore.error?.message ?? `exit code ${restore.status}`}); the .NET SDK and the NuGet registry are needed.`,
    );
  }
  return path;
}

const DIAGNOSTIC = /^(.+)\((\d+),(\d+)\) : (Error|Warning|Info) ([\w-]+): (.*)$/;

/** Runs the restored Bicep CLI (it must be restored: see restoreBicep) and parses its diagnostics. */
export function runBicep(args: readonly string[]): BicepRun {
  const path = bicepPath();
  if (!existsSync(path)) {
    throw new Error(`The Bicep CLI is missing at ${path}: run \`npm run infra:restore\` first.`);
  }
  const run = spawnSync(path, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  const diagnostics: BicepDiagnostic[] = [];
  const other: string[] = [];
  for (const line of run.stderr.split('\n').filter((l) => l.trim() !== '')) {
    const match = DIAGNOSTIC.exec(line.trim());
    if (!match) {
      other.push(line);
      continue;
    }
    diagnostics.push({
      file: match[1]!,
      line: Number(match[2]),
      column: Number(match[3]),
      level: match[4] as BicepDiagnostic['level'],
      rule: match[5]!,
      message: match[6]!,
    });
  }
  return { exitCode: run.status ?? 1, stdout: run.stdout, diagnostics, otherOutput: other.join('\n') };
}

/** Compiles infra/main.bicep to ARM JSON on stdout. */
export function compileMain(): BicepRun {
  return runBicep(['build', join('infra', 'main.bicep'), '--stdout']);
}
