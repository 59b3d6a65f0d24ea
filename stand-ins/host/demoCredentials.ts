import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../sandbox';

/**
 * The demo tenant's credential of the type the settings ask for (EXCHANGE_CREDENTIAL_TYPE):
 * its secret; a certificate made at start, registered on the demo app and written to a local file;
 * or the sandbox's managed identity endpoint with a federated credential for its identity.
 */
export function demoCredentialSettings(
  demo: Sandbox,
  type: string | undefined,
  localDirectory: string,
): Record<string, string> {
  if (type === 'certificate') {
    const certificate = demo.entra.newCertificate();
    demo.entra.registerCertificate(certificate.certificatePem);
    mkdirSync(localDirectory, { recursive: true });
    const path = join(localDirectory, 'demo-client-certificate.pem');
    writeFileSync(path, certificate.pem, { mode: 0o600 });
    return { EXCHANGE_CREDENTIAL_TYPE: 'certificate', EXCHANGE_CLIENT_CERTIFICATE_PATH: path };
  }
  if (type === 'managedIdentity') {
    const { identity, environment } = demo.managedIdentity;
    demo.entra.addFederatedCredential({ subject: identity.principalId });
    return {
      ...environment,
      EXCHANGE_CREDENTIAL_TYPE: 'managedIdentity',
      EXCHANGE_MANAGED_IDENTITY_CLIENT_ID: identity.clientId,
    };
  }
  return { EXCHANGE_CLIENT_SECRET: demo.tenant.clientSecret };
}
