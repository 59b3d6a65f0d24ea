/** How the connector proves it is the Exchange app registration (EXCHANGE_CREDENTIAL_TYPE). */
export type CredentialType = 'secret' | 'certificate' | 'managedIdentity';

interface CredentialsCommon {
  readonly tenantId: string;
  readonly clientId: string;
  readonly authorityHost: string;
  readonly graphEndpoint: string;
}

/** A client secret: a string someone copies from the portal and rotates every 6–24 months. */
export interface SecretCredentials extends CredentialsCommon {
  readonly type: 'secret';
  readonly clientSecret: string;
}

/** A certificate registered on the app registration, with its private key. */
export interface ClientCertificate {
  /** SHA-256 thumbprint, hex (the `x5t#S256` of the client assertion). */
  readonly thumbprintSha256: string;
  /** PKCS#8 PEM. A secret: never shown anywhere. */
  readonly privateKeyPem: string;
  /** The certificate, then any chain it came with, PEM. */
  readonly certificatePem: string;
  /** Sends the chain (`x5c`) for subject name and issuer authentication. */
  readonly sendX5c: boolean;
  readonly subject: string;
  readonly notAfter: Date;
}

export interface CertificateCredentials extends CredentialsCommon {
  readonly type: 'certificate';
  readonly certificate: ClientCertificate;
}

/**
 * The Function App's user-assigned managed identity as a federated identity credential of the app
 * registration: nothing to expire or leak.
 */
export interface ManagedIdentityCredentials extends CredentialsCommon {
  readonly type: 'managedIdentity';
  /** Client ID of the user-assigned managed identity. */
  readonly managedIdentityClientId: string;
  /** Audience of the identity's token, `api://AzureADTokenExchange` in the public cloud. */
  readonly audience: string;
}

/** The Exchange app registration's credentials as the connector uses them. */
export type ExchangeCredentials = SecretCredentials | CertificateCredentials | ManagedIdentityCredentials;

/** When the credential stops working, when it is one that expires. */
export interface CredentialExpiry {
  readonly credential: 'client secret' | 'client certificate';
  readonly expiresOn: Date;
}

export interface SettingProblem {
  readonly setting: string;
  readonly kind: 'missing' | 'malformed';
  /** Words for an administrator; never contains a secret value. */
  readonly message: string;
}

export type SettingsResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly SettingProblem[] };

/** Problems rendered as one sentence for a transaction message or a log line. */
export function describeProblems(problems: readonly SettingProblem[]): string {
  return problems.map((p) => p.message).join('; ');
}
