import { CREDENTIAL_SOURCE_SETTINGS } from './credentialSettings';
import { ERRORS_READ, ERRORS_REPLAY } from './http/auth/roles';
import { TWO_WAY_SETTINGS } from './twoWaySettingDefinitions';

/**
 * Every app setting the connector reads. The README's table, `local.settings.example.json` and the
 * Bicep app settings are checked against this list by `test/unit/docs.test.ts` and `infra.test.ts`.
 */
export interface SettingDefinition {
  readonly name: string;
  readonly meaning: string;
  /** Value used when the setting is absent; `undefined` means the setting is required. */
  readonly defaultValue?: string;
  readonly optional?: boolean;
  /** Alternative names that satisfy the setting (identity-based connections). */
  readonly alternatives?: readonly string[];
  readonly secret?: boolean;
  /** Read by the local run (`npm start`) only: never set in Azure, so not among the Bicep app settings. */
  readonly localOnly?: boolean;
}

export const SETTINGS: readonly SettingDefinition[] = [
  {
    name: 'EXCHANGE_TENANT_ID',
    meaning: 'Directory (tenant) ID or verified domain of the Exchange app registration',
  },
  { name: 'EXCHANGE_CLIENT_ID', meaning: 'Application (client) ID of the Exchange app registration' },
  {
    name: 'EXCHANGE_CREDENTIAL_TYPE',
    meaning:
      "How the connector authenticates as the app registration: `secret`, `certificate`, or `managedIdentity` (the Function App's user-assigned managed identity as a federated identity credential, nothing to rotate)",
    defaultValue: 'secret',
  },
  {
    name: 'EXCHANGE_CLIENT_SECRET',
    meaning:
      'Client secret of the app registration (a Key Vault reference in Azure); required when EXCHANGE_CREDENTIAL_TYPE is `secret`',
    optional: true,
    secret: true,
  },
  {
    name: 'EXCHANGE_CLIENT_SECRET_EXPIRES_ON',
    meaning: 'Expiry date of the client secret (ISO 8601); the health check warns from 30 days before',
    optional: true,
  },
  ...CREDENTIAL_SOURCE_SETTINGS,
  {
    name: 'EXCHANGE_AUTHORITY_HOST',
    meaning: 'Microsoft Entra ID authority host (national clouds differ)',
    defaultValue: 'https://login.microsoftonline.com',
  },
  {
    name: 'GRAPH_ENDPOINT',
    meaning: 'Microsoft Graph endpoint (national clouds differ)',
    defaultValue: 'https://graph.microsoft.com',
  },
  {
    name: 'ServiceBusConnection',
    meaning:
      'Service Bus connection string, or `ServiceBusConnection__fullyQualifiedNamespace` with a managed identity',
    alternatives: ['ServiceBusConnection__fullyQualifiedNamespace'],
    secret: true,
  },
  {
    name: 'TableStorageConnection',
    meaning:
      'Table Storage connection string, or `TableStorageConnection__tableServiceUri` with a managed identity',
    alternatives: ['TableStorageConnection__tableServiceUri'],
    secret: true,
  },
  { name: 'APPOINTMENT_QUEUE', meaning: 'Queue of change messages', defaultValue: 'appointment-changes' },
  {
    name: 'RETRY_SCHEDULE',
    meaning: 'NCRONTAB (six fields) of the retry pass',
    defaultValue: '0 */5 * * * *',
  },
  { name: 'RETRY_WINDOW_DAYS', meaning: 'How far back the retry pass looks, in days', defaultValue: '14' },
  {
    name: 'ENTRA_REQUEST_TIMEOUT_MS',
    meaning:
      'How long a token request to Microsoft Entra ID may take before it counts as transient (DSEX041)',
    defaultValue: '10000',
  },
  {
    name: 'GRAPH_REQUEST_TIMEOUT_MS',
    meaning: 'How long one Microsoft Graph request may take before it counts as transient (DSEX040)',
    defaultValue: '15000',
  },
  {
    name: 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET',
    meaning:
      'Client secret of the sign-in app registration, read by App Service Authentication (a Key Vault reference in Azure); without one, sign-in uses ID tokens only',
    optional: true,
    secret: true,
  },
  {
    name: 'LOCAL_PRINCIPAL_NAME',
    meaning: 'Local run only: the user `npm start` signs in as on the Errors page and API',
    defaultValue: 'Local Administrator',
    localOnly: true,
  },
  {
    name: 'LOCAL_PRINCIPAL_ROLES',
    meaning: `Local run only: that user's app roles, comma-separated (\`${ERRORS_READ}\` alone for read-only, \`none\` for no role)`,
    defaultValue: `${ERRORS_READ},${ERRORS_REPLAY}`,
    localOnly: true,
  },
  ...TWO_WAY_SETTINGS,
];
