import { ensureCertificateAuthority } from '../stand-ins/sandbox/certificates';

/**
 * The sandbox's CA must be trusted before any test worker starts: Node reads NODE_EXTRA_CA_CERTS
 * once at process start, and vitest's forked workers inherit this process's environment. The
 * bundle keeps any CA file the machine already had in NODE_EXTRA_CA_CERTS.
 */
export default async function setup(): Promise<void> {
  const { bundlePath } = await ensureCertificateAuthority();
  process.env.NODE_EXTRA_CA_CERTS = bundlePath;
}
