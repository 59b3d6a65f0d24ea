import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureCertificateAuthority } from '../stand-ins/sandbox/certificates';

/**
 * Runs a TypeScript entry point in a child Node process that trusts the sandbox CA. Node reads
 * NODE_EXTRA_CA_CERTS only at start-up; the bundle keeps any CA the user already trusted.
 * Usage: tsx scripts/withSandboxCa.ts <entry.ts> [args…]
 */
async function main(): Promise<void> {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) throw new Error('usage: tsx scripts/withSandboxCa.ts <entry.ts> [args…]');
  const { bundlePath } = await ensureCertificateAuthority();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(entry), ...args], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundlePath },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
