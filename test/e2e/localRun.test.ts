import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactionIdFor } from '../../shared/domain/ids';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);

/** The samples README's table: file, changeId, expected outcome. */
const samples = readFileSync(join(root, 'samples', 'README.md'), 'utf8')
  .split('\n')
  .map((line) => line.match(/^\| (\S+\.json) \| (\S+) \| (\S+) \|/))
  .filter((m): m is RegExpMatchArray => m !== null)
  .map((m) => ({ file: m[1] ?? '', changeId: m[2] ?? '', outcome: m[3] ?? '' }));

let child: ChildProcess;
let errorsPageUrl = '';
let output = '';

function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  child = spawn('npm', ['start'], { cwd: root, env: { ...process.env, PORT: '0' }, detached: true });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 60_000;
  while (!errorsPageUrl && Date.now() < deadline) {
    errorsPageUrl = output.match(/Errors page: (\S+)/)?.[1] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!errorsPageUrl) throw new Error(`npm start did not get ready:\n${output}`);
}, 90_000);

afterAll(async () => {
  if (child?.pid && processGroupAlive(child.pid)) process.kill(-child.pid, 'SIGINT');
});

describe('npm start, then npm run send -- samples', () => {
  it('has a sample for every outcome in the samples README', () => {
    expect(samples.length).toBeGreaterThanOrEqual(14);
  });

  it('shows every sample’s outcome through the API, and stops cleanly on Ctrl-C', async () => {
    const endpoints = JSON.parse(readFileSync(join(root, '.local', 'endpoints.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(Object.keys(endpoints)).toEqual(
      expect.arrayContaining([
        'errorsPageUrl',
        'serviceBusConnectionString',
        'tableConnectionString',
        'queueName',
      ]),
    );
    expect(endpoints.errorsPageUrl).toBe(errorsPageUrl);
    const page = await fetch(errorsPageUrl);
    expect(page.status).toBe(200);
    // npm start signs in as the local principal, with both roles unless LOCAL_PRINCIPAL_ROLES says otherwise.
    expect(output).toContain('Signed in as Local Administrator (Errors.Read, Errors.Replay)');
    expect(await page.text()).toContain('Signed in as <strong>Local Administrator</strong>');

    const sent = await run('npm', ['run', 'send', '--', 'samples'], { cwd: root });
    expect(sent.stdout).toContain(`Sent ${samples.length} change messages`);

    const api = new URL('/api/', errorsPageUrl);
    for (const sample of samples) {
      const transactionId = transactionIdFor(
        sample.outcome === 'DSEX050' ? `message:${sample.changeId}` : sample.changeId,
      );
      let row: { status?: string; code?: string } | undefined;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const response = await fetch(new URL(`errors/${transactionId}`, api));
        if (response.status === 200) {
          row = ((await response.json()) as { transaction: { status?: string; code?: string } }).transaction;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(row, `${sample.file} was not recorded`).toBeDefined();
      if (sample.outcome === 'Success') expect(row?.status, sample.file).toBe('Success');
      else expect(row?.code, sample.file).toBe(sample.outcome);
    }

    // Two-way: the resource moves its event in Outlook; the move reaches the back-office queue.
    const moved = await run('npm', ['run', 'send', '--', '--move-in-outlook', 'room4@contoso.example'], {
      cwd: root,
    });
    expect(moved.stdout).toContain('Moved "Annual review" in room4@contoso.example');
    let published = '';
    const readUntil = Date.now() + 30_000;
    while (!published.includes('"change": "moved"') && Date.now() < readUntil) {
      published += (await run('npm', ['run', 'send', '--', '--read-backoffice'], { cwd: root })).stdout;
    }
    expect(published).toContain('"appointmentId": "SAMPLE-1001"');
    expect(published).toContain('"change": "moved"');

    const pid = child.pid ?? 0;
    process.kill(-pid, 'SIGINT');
    const deadline = Date.now() + 20_000;
    while (processGroupAlive(pid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processGroupAlive(pid)).toBe(false);
    expect(output).toContain('Stopping');
  }, 120_000);
});
