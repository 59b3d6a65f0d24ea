import type { NodeAuthOptions } from '@azure/msal-node';
import type { ExchangeCredentials } from '../domain/credentials';
import type { FederatedAssertions } from './federatedAssertions';

type CredentialOptions = Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate' | 'clientAssertion'>;

/**
 * How MSAL proves the app registration's identity, by credential type: the secret; a client
 * assertion MSAL signs with the certificate (PS256, `x5t#S256`, and `x5c` for subject name and
 * issuer authentication); or the managed identity's token as the assertion.
 */
export function msalCredential(
  credentials: ExchangeCredentials,
  assertions: FederatedAssertions,
): CredentialOptions {
  switch (credentials.type) {
    case 'secret':
      return { clientSecret: credentials.clientSecret };
    case 'certificate': {
      const { thumbprintSha256, privateKeyPem, certificatePem, sendX5c } = credentials.certificate;
      return {
        clientCertificate: {
          thumbprintSha256,
          privateKey: privateKeyPem,
          ...(sendX5c ? { x5c: certificatePem } : {}),
        },
      };
    }
    case 'managedIdentity':
      return { clientAssertion: () => assertions.assertion(credentials) };
  }
}
