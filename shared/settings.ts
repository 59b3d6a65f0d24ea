import { createHash } from 'node:crypto';
import { readCredentialSource, sourceSecretValues } from './credentialSettings';
import type {
  CredentialExpiry,
  ExchangeCredentials,
  SettingProblem,
  SettingsResult,
} from './domain/credentials';
import type { Caller } from './http/auth/roles';
import { SETTINGS, type SettingDefinition } from './settingDefinitions';

export type Environment = Readonly<Record<string, string | undefined>>;

/** How an adapter reaches a service: a connection string, or an endpoint with a managed identity. */
export type ServiceConnection =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'identity'; readonly endpoint: string; readonly managedIdentityClientId?: string };

export interface InfrastructureSettings {
  readonly serviceBus: ServiceConnection;
  readonly tableStorage: ServiceConnection;
  readonly appointmentQueue: string;
  readonly retryWindowDays: number;
  readonly entraRequestTimeoutMs: number;
  readonly graphRequestTimeoutMs: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$/i;

/** A tenant id Entra ID accepts: a GUID or a verified domain name. */
export function isValidTenantId(value: string): boolean {
  return GUID.test(value) || DOMAIN.test(value);
}

/**
 * A malformed value is never echoed: it may be a secret pasted into the wrong setting. Its length
 * is enough to tell an empty, truncated or doubled value apart.
 */
function notShown(value: string): string {
  return `the value set (${value.length} characters) is not shown, as it may be a secret pasted into the wrong setting`;
}

function definition(name: string): SettingDefinition {
  const found = SETTINGS.find((s) => s.name === name);
  if (!found) throw new Error(`Unknown setting ${name}`);
  return found;
}

function settingValue(env: Environment, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (raw) return raw;
  return definition(name).defaultValue;
}

/** A setting that has a default: its value, or the default. */
export function valueOrDefault(env: Environment, name: string): string {
  const value = settingValue(env, name);
  if (value === undefined) throw new Error(`Setting ${name} has no default`);
  return value;
}

function httpsUrl(env: Environment, name: string, problems: SettingProblem[]): string {
  const value = valueOrDefault(env, name);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    problems.push({
      setting: name,
      kind: 'malformed',
      message: `${name} must be an https URL such as ${definition(name).defaultValue}; ${notShown(value)}`,
    });
  }
  return value.replace(/\/+$/, '');
}

export function readExchangeCredentials(env: Environment = process.env): SettingsResult<ExchangeCredentials> {
  const problems: SettingProblem[] = [];
  const required = (name: string, what: string): string => {
    const value = settingValue(env, name);
    if (!value) {
      problems.push({ setting: name, kind: 'missing', message: `${name} (${what}) is not set` });
      return '';
    }
    return value;
  };
  const tenantId = required('EXCHANGE_TENANT_ID', 'the Directory (tenant) ID');
  const clientId = required('EXCHANGE_CLIENT_ID', 'the Application (client) ID');
  if (tenantId && !isValidTenantId(tenantId)) {
    problems.push({
      setting: 'EXCHANGE_TENANT_ID',
      kind: 'malformed',
      message: `EXCHANGE_TENANT_ID is neither a Directory (tenant) ID (a GUID) nor a domain name; ${notShown(tenantId)}`,
    });
  }
  if (clientId && !GUID.test(clientId)) {
    problems.push({
      setting: 'EXCHANGE_CLIENT_ID',
      kind: 'malformed',
      message: `EXCHANGE_CLIENT_ID is not an Application (client) ID (a GUID); ${notShown(clientId)}`,
    });
  }
  const authorityHost = httpsUrl(env, 'EXCHANGE_AUTHORITY_HOST', problems);
  const graphEndpoint = httpsUrl(env, 'GRAPH_ENDPOINT', problems);
  const source = readCredentialSource({
    value: (name) => settingValue(env, name),
    required,
    problems,
    authorityHost,
  });
  if (!source || problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { tenantId, clientId, authorityHost, graphEndpoint, ...source } };
}

function secretExpirySetting(env: Environment): SettingsResult<Date | undefined> {
  const expiry = settingValue(env, 'EXCHANGE_CLIENT_SECRET_EXPIRES_ON');
  if (!expiry) return { ok: true, value: undefined };
  const expiresOn = new Date(expiry);
  if (Number.isNaN(expiresOn.getTime())) {
    return {
      ok: false,
      problems: [
        {
          setting: 'EXCHANGE_CLIENT_SECRET_EXPIRES_ON',
          kind: 'malformed',
          message: `EXCHANGE_CLIENT_SECRET_EXPIRES_ON is not a date (use ISO 8601, e.g. 2027-05-31); ${notShown(expiry)}`,
        },
      ],
    };
  }
  return { ok: true, value: expiresOn };
}

/**
 * When the credential in use expires: the client secret's EXCHANGE_CLIENT_SECRET_EXPIRES_ON, or the
 * certificate's own expiry; a managed identity has none. Only informational: a malformed date is a
 * problem for the health check to show, never a reason to stop syncing.
 */
export function readCredentialExpiry(
  env: Environment = process.env,
): SettingsResult<CredentialExpiry | undefined> {
  const credentials = readExchangeCredentials(env);
  if (credentials.ok && credentials.value.type === 'certificate') {
    return {
      ok: true,
      value: { credential: 'client certificate', expiresOn: credentials.value.certificate.notAfter },
    };
  }
  if (credentials.ok && credentials.value.type === 'managedIdentity') return { ok: true, value: undefined };
  const setting = secretExpirySetting(env);
  if (!setting.ok || !setting.value) return setting as SettingsResult<undefined>;
  return { ok: true, value: { credential: 'client secret', expiresOn: setting.value } };
}

function connection(env: Environment, prefix: string, endpointSuffix: string): ServiceConnection | undefined {
  const connectionString = env[prefix]?.trim();
  if (connectionString) return { kind: 'connectionString', connectionString };
  const endpoint = env[`${prefix}__${endpointSuffix}`]?.trim();
  if (!endpoint) return undefined;
  const managedIdentityClientId = env[`${prefix}__clientId`]?.trim();
  return { kind: 'identity', endpoint, ...(managedIdentityClientId ? { managedIdentityClientId } : {}) };
}

export function readInfrastructureSettings(
  env: Environment = process.env,
): SettingsResult<InfrastructureSettings> {
  const problems: SettingProblem[] = [];
  const serviceBus = connection(env, 'ServiceBusConnection', 'fullyQualifiedNamespace');
  if (!serviceBus) {
    problems.push({
      setting: 'ServiceBusConnection',
      kind: 'missing',
      message: 'ServiceBusConnection (or ServiceBusConnection__fullyQualifiedNamespace) is not set',
    });
  }
  const tableStorage = connection(env, 'TableStorageConnection', 'tableServiceUri');
  if (!tableStorage) {
    problems.push({
      setting: 'TableStorageConnection',
      kind: 'missing',
      message: 'TableStorageConnection (or TableStorageConnection__tableServiceUri) is not set',
    });
  }
  const windowText = valueOrDefault(env, 'RETRY_WINDOW_DAYS');
  const retryWindowDays = Number(windowText);
  if (!Number.isInteger(retryWindowDays) || retryWindowDays < 1 || retryWindowDays > 365) {
    problems.push({
      setting: 'RETRY_WINDOW_DAYS',
      kind: 'malformed',
      message: `RETRY_WINDOW_DAYS must be a whole number of days from 1 to 365; ${notShown(windowText)}`,
    });
  }
  const retrySchedule = valueOrDefault(env, 'RETRY_SCHEDULE');
  if (retrySchedule.split(/\s+/).length !== 6) {
    problems.push({
      setting: 'RETRY_SCHEDULE',
      kind: 'malformed',
      message: `RETRY_SCHEDULE must be an NCRONTAB expression of six fields; ${notShown(retrySchedule)}`,
    });
  }
  const timeout = (name: string): number => {
    const text = valueOrDefault(env, name);
    const value = Number(text);
    if (!Number.isInteger(value) || value < 100 || value > 300_000) {
      problems.push({
        setting: name,
        kind: 'malformed',
        message: `${name} must be a whole number of milliseconds from 100 to 300000; ${notShown(text)}`,
      });
    }
    return value;
  };
  const entraRequestTimeoutMs = timeout('ENTRA_REQUEST_TIMEOUT_MS');
  const graphRequestTimeoutMs = timeout('GRAPH_REQUEST_TIMEOUT_MS');
  if (!serviceBus || !tableStorage || problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      serviceBus,
      tableStorage,
      appointmentQueue: valueOrDefault(env, 'APPOINTMENT_QUEUE'),
      retryWindowDays,
      entraRequestTimeoutMs,
      graphRequestTimeoutMs,
    },
  };
}

/**
 * The caller `npm start` signs every request in as, the way App Service Authentication would: the name,
 * an object id derived from it (stable across runs, so the audit trail reads the same), and the roles.
 */
export function readLocalPrincipal(env: Environment = process.env): Caller {
  const name = valueOrDefault(env, 'LOCAL_PRINCIPAL_NAME');
  const rolesText = valueOrDefault(env, 'LOCAL_PRINCIPAL_ROLES');
  const roles = rolesText.trim().toLowerCase() === 'none' ? [] : rolesText.split(',').map((r) => r.trim());
  const hex = createHash('sha256').update(`local principal\n${name}`).digest('hex');
  const objectId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return { name, objectId, roles: roles.filter((role) => role !== '') };
}

/**
 * Identifies one set of credentials (to key token and Graph client caches, and to notice a corrected
 * secret) without revealing it: a truncated SHA-256 over every value that changes where tokens come
 * from or where they are used.
 */
export function credentialsFingerprint(credentials: ExchangeCredentials): string {
  const { authorityHost, tenantId, clientId, graphEndpoint } = credentials;
  return createHash('sha256')
    .update(
      [
        credentials.type,
        authorityHost,
        tenantId,
        clientId,
        graphEndpoint,
        ...sourceIdentity(credentials),
      ].join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
}

/** What identifies the credential itself: a corrected secret, a renewed certificate, another identity. */
function sourceIdentity(credentials: ExchangeCredentials): string[] {
  switch (credentials.type) {
    case 'secret':
      return [credentials.clientSecret];
    case 'certificate': {
      const { thumbprintSha256, privateKeyPem, sendX5c } = credentials.certificate;
      return [thumbprintSha256, privateKeyPem, String(sendX5c)];
    }
    case 'managedIdentity':
      return [credentials.managedIdentityClientId, credentials.audience];
  }
}

/** Parts of a connection string that are secrets of their own. */
const CONNECTION_STRING_KEYS = /(?:AccountKey|SharedAccessKey|SharedAccessSignature)=([^;]+)/gi;

/**
 * Every value no row, log line or response may show: the secret settings as they are set, whether
 * or not they are valid, the keys inside connection strings, and the certificate's private key.
 */
export function secretValues(env: Environment = process.env): string[] {
  const values = SETTINGS.filter((s) => s.secret).flatMap((s) =>
    [s.name, ...(s.alternatives ?? [])].map((name) => env[name]?.trim() ?? ''),
  );
  const keys = values.flatMap((value) => [...value.matchAll(CONNECTION_STRING_KEYS)].map((m) => m[1] ?? ''));
  const source = sourceSecretValues((name) => settingValue(env, name));
  return [...new Set([...values, ...keys, ...source])].filter((value) => value !== '');
}
