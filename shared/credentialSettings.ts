import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type CertificateReading, readClientCertificate } from './clientCertificate';
import type {
  CertificateCredentials,
  CredentialType,
  ManagedIdentityCredentials,
  SecretCredentials,
  SettingProblem,
} from './domain/credentials';
import type { SettingDefinition } from './settingDefinitions';

/** The settings of the certificate and managed-identity credential types (see `SETTINGS`). */
export const CREDENTIAL_SOURCE_SETTINGS: readonly SettingDefinition[] = [
  {
    name: 'EXCHANGE_CLIENT_CERTIFICATE',
    meaning:
      "For `certificate`: the certificate with its private key, PEM or base64 PFX (in Azure a Key Vault reference to the Key Vault certificate's secret)",
    optional: true,
    secret: true,
  },
  {
    name: 'EXCHANGE_CLIENT_CERTIFICATE_PATH',
    meaning: 'For `certificate` on a local run: a PEM or PFX file instead of EXCHANGE_CLIENT_CERTIFICATE',
    optional: true,
  },
  {
    name: 'EXCHANGE_CLIENT_CERTIFICATE_PASSWORD',
    meaning:
      'Password of a protected PFX or an encrypted PEM key (Key Vault serves the certificate without one)',
    optional: true,
    secret: true,
  },
  {
    name: 'EXCHANGE_CLIENT_CERTIFICATE_SEND_X5C',
    meaning: '`true` sends the certificate chain (`x5c`) for subject name and issuer authentication',
    defaultValue: 'false',
  },
  {
    name: 'EXCHANGE_MANAGED_IDENTITY_CLIENT_ID',
    meaning:
      "For `managedIdentity`: client ID of the Function App's user-assigned managed identity that the app registration trusts as a federated identity credential",
    optional: true,
  },
  {
    name: 'EXCHANGE_FEDERATED_AUDIENCE',
    meaning:
      "For `managedIdentity`: audience of the identity's token; empty means `api://AzureADTokenExchange`, or `api://AzureADTokenExchangeUSGov` for login.microsoftonline.us and `api://AzureADTokenExchangeChina` for login.chinacloudapi.cn",
    optional: true,
  },
];

const TYPES: readonly CredentialType[] = ['secret', 'certificate', 'managedIdentity'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The federated credential audience of each national cloud, by authority host. */
const CLOUD_AUDIENCES: Readonly<Record<string, string>> = {
  'login.microsoftonline.us': 'api://AzureADTokenExchangeUSGov',
  'login.chinacloudapi.cn': 'api://AzureADTokenExchangeChina',
  'login.partner.microsoftonline.cn': 'api://AzureADTokenExchangeChina',
};
const PUBLIC_AUDIENCE = 'api://AzureADTokenExchange';

export interface SourceContext {
  value(name: string): string | undefined;
  required(name: string, what: string): string;
  readonly problems: SettingProblem[];
  readonly authorityHost: string;
}

type Source =
  | Pick<SecretCredentials, 'type' | 'clientSecret'>
  | Pick<CertificateCredentials, 'type' | 'certificate'>
  | Pick<ManagedIdentityCredentials, 'type' | 'managedIdentityClientId' | 'audience'>;

function certificateReading(
  value: SourceContext['value'],
): { setting: string; reading: CertificateReading } | undefined {
  const password = value('EXCHANGE_CLIENT_CERTIFICATE_PASSWORD');
  const inline = value('EXCHANGE_CLIENT_CERTIFICATE');
  if (inline)
    return {
      setting: 'EXCHANGE_CLIENT_CERTIFICATE',
      reading: readClientCertificate(Buffer.from(inline), password),
    };
  const path = value('EXCHANGE_CLIENT_CERTIFICATE_PATH');
  if (!path) return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return {
      setting: 'EXCHANGE_CLIENT_CERTIFICATE_PATH',
      reading: { problem: `names a file that cannot be read (${reason})` },
    };
  }
  return { setting: 'EXCHANGE_CLIENT_CERTIFICATE_PATH', reading: readClientCertificate(bytes, password) };
}

function certificateSource(context: SourceContext): Source | undefined {
  const found = certificateReading(context.value);
  if (!found) {
    context.problems.push({
      setting: 'EXCHANGE_CLIENT_CERTIFICATE',
      kind: 'missing',
      message:
        'EXCHANGE_CREDENTIAL_TYPE is certificate, but neither EXCHANGE_CLIENT_CERTIFICATE (the certificate with its private key, a Key Vault reference in Azure) nor EXCHANGE_CLIENT_CERTIFICATE_PATH (a PEM or PFX file) is set',
    });
    return undefined;
  }
  if ('problem' in found.reading) {
    context.problems.push({
      setting: found.setting,
      kind: 'malformed',
      message: `${found.setting} ${found.reading.problem}`,
    });
    return undefined;
  }
  const sendX5c = context.value('EXCHANGE_CLIENT_CERTIFICATE_SEND_X5C')?.toLowerCase();
  if (sendX5c !== 'true' && sendX5c !== 'false') {
    context.problems.push({
      setting: 'EXCHANGE_CLIENT_CERTIFICATE_SEND_X5C',
      kind: 'malformed',
      message: `EXCHANGE_CLIENT_CERTIFICATE_SEND_X5C must be true or false, not "${sendX5c}"`,
    });
    return undefined;
  }
  return { type: 'certificate', certificate: { ...found.reading.certificate, sendX5c: sendX5c === 'true' } };
}

function managedIdentitySource(context: SourceContext): Source | undefined {
  const managedIdentityClientId = context.required(
    'EXCHANGE_MANAGED_IDENTITY_CLIENT_ID',
    "the client ID of the Function App's user-assigned managed identity, needed when EXCHANGE_CREDENTIAL_TYPE is managedIdentity",
  );
  if (managedIdentityClientId && !GUID.test(managedIdentityClientId)) {
    context.problems.push({
      setting: 'EXCHANGE_MANAGED_IDENTITY_CLIENT_ID',
      kind: 'malformed',
      message: `EXCHANGE_MANAGED_IDENTITY_CLIENT_ID "${managedIdentityClientId}" is not a client ID (a GUID): use the Client ID on the managed identity's Overview page`,
    });
  }
  const audience =
    context.value('EXCHANGE_FEDERATED_AUDIENCE') ??
    CLOUD_AUDIENCES[new URL(context.authorityHost).host.toLowerCase()] ??
    PUBLIC_AUDIENCE;
  return { type: 'managedIdentity', managedIdentityClientId, audience };
}

/** The credential of EXCHANGE_CREDENTIAL_TYPE, or undefined with its problems added. */
export function readCredentialSource(context: SourceContext): Source | undefined {
  const type = context.value('EXCHANGE_CREDENTIAL_TYPE') ?? 'secret';
  const known = TYPES.find((candidate) => candidate.toLowerCase() === type.toLowerCase());
  switch (known) {
    case 'secret': {
      const clientSecret = context.required('EXCHANGE_CLIENT_SECRET', 'the client secret value');
      return clientSecret ? { type: 'secret', clientSecret } : undefined;
    }
    case 'certificate':
      return certificateSource(context);
    case 'managedIdentity':
      return managedIdentitySource(context);
    case undefined:
      context.problems.push({
        setting: 'EXCHANGE_CREDENTIAL_TYPE',
        kind: 'malformed',
        message: `EXCHANGE_CREDENTIAL_TYPE must be secret, certificate or managedIdentity; the value set (${type.length} characters) is none of them`,
      });
      return undefined;
  }
}

/** The certificate's private key (as set, it may have come as a PFX) in PKCS#8 and PKCS#1, whole and line by line. */
export function sourceSecretValues(value: SourceContext['value']): string[] {
  const found = certificateReading(value);
  if (!found || 'problem' in found.reading) return [];
  const { privateKeyPem } = found.reading.certificate;
  const known = keyForms.get(privateKeyPem);
  if (known) return known;
  const key = createPrivateKey(privateKeyPem);
  const forms = [privateKeyPem];
  if (key.asymmetricKeyType === 'rsa') forms.push(key.export({ type: 'pkcs1', format: 'pem' }).toString());
  const values = forms.flatMap((pem) => {
    const lines = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
    return [pem.trim(), lines.join(''), ...lines];
  });
  keyForms.set(privateKeyPem, values);
  return values;
}

/** Every log line asks for the values to redact: the key's forms are worked out once. */
const keyForms = new Map<string, string[]>();
