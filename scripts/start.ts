import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureCertificateAuthority } from '../stand-ins/sandbox/certificates';

/**
 * `npm start`: Node reads NODE_EXTRA_CA_CERTS only at start-up, so this launcher makes sure the
 * sandbox CA exists and starts the local host in a child process that trusts it (alongside any CA
 * the user already had in NODE_EXTRA_CA_CERTS).
 */
async function main(): Promise<void> {
  const { bundlePath } = await ensureCertificateAuthority();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'stand-ins', 'host', 'main.ts')],
    {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: bundlePath },
    },
  );
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
