import { restoreBicep } from '../scripts/bicep';
import { ensureCertificateAuthority } from '../stand-ins/sandbox/certificates';

/**
 * The sandbox's CA must be trusted before any test worker starts: Node reads NODE_EXTRA_CA_CERTS
 * once at process start, and vitest's forked workers inherit this process's environment. The
 * bundle keeps any CA file the machine already had in NODE_EXTRA_CA_CERTS.
 *
 * The infra tests compile infra/main.bicep with the Bicep CLI restored through NuGet; it is restored
 * here once, before the workers start. If that fails, only the infra tests fail, saying why.
 */
export default async function setup(): Promise<void> {
  const { bundlePath } = await ensureCertificateAuthority();
  process.env.NODE_EXTRA_CA_CERTS = bundlePath;
  try {
    restoreBicep();
  } catch (error) {
    console.error(`The infra tests will fail: ${(error as Error).message}`);
  }
}
