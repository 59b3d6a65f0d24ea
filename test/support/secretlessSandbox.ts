import type { Environment } from '../../shared/settings';
import type { ClientCertificateFiles, Sandbox } from '../../stand-ins/sandbox';

/** The demo tenant's settings without any credential: a test adds the credential type it exercises. */
export function tenantSettings(sandbox: Sandbox): Record<string, string> {
  return {
    EXCHANGE_TENANT_ID: sandbox.tenant.tenantId,
    EXCHANGE_CLIENT_ID: sandbox.tenant.clientId,
    EXCHANGE_AUTHORITY_HOST: sandbox.authorityHost,
    GRAPH_ENDPOINT: sandbox.graphEndpoint,
  };
}

/** A certificate registered on the demo app, and the settings that use it. */
export function registeredCertificate(sandbox: Sandbox): {
  certificate: ClientCertificateFiles;
  settings: Environment;
} {
  const certificate = sandbox.entra.newCertificate();
  sandbox.entra.registerCertificate(certificate.certificatePem);
  return {
    certificate,
    settings: { EXCHANGE_CREDENTIAL_TYPE: 'certificate', EXCHANGE_CLIENT_CERTIFICATE: certificate.pem },
  };
}

/**
 * The Function App's managed identity as a federated credential of the demo app: App Service's
 * endpoint settings and a fresh identity (so no token of another test is cached for it).
 */
export function federatedIdentity(sandbox: Sandbox): {
  clientId: string;
  principalId: string;
  settings: Environment;
} {
  const identity = sandbox.managedIdentity.assign();
  sandbox.entra.addFederatedCredential({ subject: identity.principalId });
  return {
    ...identity,
    settings: {
      ...sandbox.managedIdentity.environment,
      EXCHANGE_CREDENTIAL_TYPE: 'managedIdentity',
      EXCHANGE_MANAGED_IDENTITY_CLIENT_ID: identity.clientId,
    },
  };
}
