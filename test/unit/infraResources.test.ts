import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../shared/settingDefinitions';
import { compileInfra, onlyResource, resourcesOf, resourcesOfType, templates } from '../support/armTemplate';

/* The resources of infra/main.bicep, read from the ARM JSON the real Bicep CLI compiles it to. */

beforeEach(() => {
  expect.hasAssertions();
});

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const { main, diagnostics } = compileInfra();
const json = JSON.stringify(main);
const all = templates(main);

/** Built-in role definition ids, the only GUIDs allowed in the template, with their scopes. */
const BUILT_IN_ROLES: Record<string, { role: string; scope: string }> = {
  '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0': { role: 'Azure Service Bus Data Receiver', scope: 'queues' },
  '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39': { role: 'Azure Service Bus Data Sender', scope: 'queues' },
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': { role: 'Storage Blob Data Owner', scope: 'storageAccounts' },
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': {
    role: 'Storage Queue Data Contributor',
    scope: 'storageAccounts',
  },
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': {
    role: 'Storage Table Data Contributor',
    scope: 'storageAccounts',
  },
  '4633458b-17de-408a-b874-0445c86b69e6': { role: 'Key Vault Secrets User', scope: 'secrets' },
  '3913510d-42f4-4e42-8a64-420c390055eb': { role: 'Monitoring Metrics Publisher', scope: 'components' },
};

/** Resource types and the GA API versions we are sure of. */
const API_VERSIONS: Record<string, string> = {
  'Microsoft.Resources/deployments': '2025-04-01',
  'Microsoft.Web/serverfarms': '2024-04-01',
  'Microsoft.Web/sites': '2024-04-01',
  'Microsoft.Web/sites/basicPublishingCredentialsPolicies': '2024-04-01',
  'Microsoft.Web/sites/config': '2024-04-01',
  'Microsoft.Storage/storageAccounts': '2023-05-01',
  'Microsoft.Storage/storageAccounts/blobServices': '2023-05-01',
  'Microsoft.Storage/storageAccounts/blobServices/containers': '2023-05-01',
  'Microsoft.Storage/storageAccounts/tableServices': '2023-05-01',
  'Microsoft.Storage/storageAccounts/tableServices/tables': '2023-05-01',
  'Microsoft.ServiceBus/namespaces': '2021-11-01',
  'Microsoft.ServiceBus/namespaces/queues': '2021-11-01',
  'Microsoft.KeyVault/vaults': '2023-07-01',
  'Microsoft.KeyVault/vaults/secrets': '2023-07-01',
  'Microsoft.Authorization/roleAssignments': '2022-04-01',
  'Microsoft.ManagedIdentity/userAssignedIdentities': '2023-01-31',
  'Microsoft.Insights/components': '2020-02-02',
  'Microsoft.OperationalInsights/workspaces': '2023-09-01',
  'Microsoft.Insights/actionGroups': '2023-01-01',
  'Microsoft.Insights/scheduledQueryRules': '2023-12-01',
  'Microsoft.Insights/metricAlerts': '2018-03-01',
  'Microsoft.Insights/workbooks': '2023-06-01',
};

describe('the template', () => {
  it('compiles and lints with no error and no warning', () => {
    expect(diagnostics.filter((d) => d.level !== 'Info')).toEqual([]);
  });

  it('describes every parameter of main.bicep and of each module', () => {
    const parameters = all.flatMap(({ module, template }) =>
      Object.entries(template.parameters ?? {}).map(([name, p]) => ({ name: `${module}.${name}`, p })),
    );
    expect(parameters.length).toBeGreaterThan(50);
    for (const { name, p } of parameters) expect(p.metadata?.description, name).toMatch(/\S/);
  });

  it('takes each secret only as a secure parameter, down to its Key Vault secret', () => {
    const secure = all.flatMap(({ module, template }) =>
      Object.entries(template.parameters ?? {})
        .filter(([, p]) => p.type === 'securestring' || p.type === 'secureObject')
        .map(([name, p]) => ({ name: `${module}.${name}`, p })),
    );
    expect(secure.map((s) => s.name)).toEqual([
      'main.exchangeClientSecret',
      'main.signInClientSecret',
      'main.graphClientState',
      'keyVault.secretValue',
      'keyVault.signInSecretValue',
      'twoWaySync.clientState',
    ]);
    // The Exchange secret has no default; the sign-in registration's may be absent (empty: none).
    for (const { name, p } of secure)
      expect(p.defaultValue, name).toBe(name === 'main.signInClientSecret' ? '' : undefined);
    const values = resourcesOfType(main, 'Microsoft.KeyVault/vaults/secrets').map((s) => s.properties!.value);
    expect(values).toEqual([
      "[parameters('secretValue')]",
      "[parameters('signInSecretValue')]",
      "[parameters('clientState')]",
    ]);
  });

  it('holds no key, connection string or secret literal, and no GUID but built-in role ids', () => {
    for (const forbidden of [
      /AccountKey=/i,
      /SharedAccessKey/i,
      /SharedAccessSignature/i,
      /InstrumentationKey=/i,
      /\blistKeys\(/,
      /\blistConnectionStrings\(/,
      /\blistSecrets\(/,
      /DefaultEndpointsProtocol=/i,
    ]) {
      expect(json, String(forbidden)).not.toMatch(forbidden);
    }
    const guids = [...json.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)];
    expect(new Set(guids.map(([g]) => g.toLowerCase()))).toEqual(new Set(Object.keys(BUILT_IN_ROLES)));
    // Each role id in the source carries a comment naming its role.
    const roles = read('infra/modules/roles.bicep');
    for (const [id, { role }] of Object.entries(BUILT_IN_ROLES)) {
      expect(roles).toMatch(new RegExp(`'${id}' // ${role}\\n`));
    }
  });

  it('uses only allow-listed GA API versions', () => {
    const used = all.flatMap(({ template }) => resourcesOf(template).map((r) => `${r.type}@${r.apiVersion}`));
    expect(new Set(used)).toEqual(new Set(Object.entries(API_VERSIONS).map(([t, v]) => `${t}@${v}`)));
  });

  it('grants the identity each built-in role once (Key Vault Secrets User once per secret), named with guid(...), on the narrowest scope', () => {
    const granted = ['roles', 'twoWaySync'].flatMap((module) => {
      const template = templates(main).find((t) => t.module === module)!.template;
      const roleIds = template.variables?.roleIds as Record<string, string>;
      return resourcesOfType(template, 'Microsoft.Authorization/roleAssignments').map((a) => {
        const key = /variables\('roleIds'\)\.(\w+)\)\]$/.exec(String(a.properties!.roleDefinitionId))![1]!;
        return { module, id: roleIds[key]!, a };
      });
    });
    const ids = (module: string) => granted.filter((g) => g.module === module).map((g) => g.id);
    // Key Vault Secrets User three times, each conditional: on the client secret, or (certificate type)
    // on the vault, and on the sign-in registration's secret when there is one.
    const KEY_VAULT_SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
    expect(ids('roles').sort()).toEqual(
      [...Object.keys(BUILT_IN_ROLES), KEY_VAULT_SECRETS_USER, KEY_VAULT_SECRETS_USER].sort(),
    );
    const onVault = granted
      .filter((g) => g.module === 'roles' && g.id === KEY_VAULT_SECRETS_USER)
      .map((g) => g.a.condition);
    expect(onVault.sort()).toEqual([
      "[not(empty(parameters('keyVaultSecretName')))]",
      "[not(empty(parameters('signInSecretName')))]",
      "[parameters('readsCertificate')]",
    ]);
    // Two-way sync: receive and send on the notification queue, send on the back-office queue, read its secret.
    expect(ids('twoWaySync').map((id) => BUILT_IN_ROLES[id]!.role)).toEqual([
      'Azure Service Bus Data Receiver',
      'Azure Service Bus Data Sender',
      'Azure Service Bus Data Sender',
      'Key Vault Secrets User',
    ]);
    for (const { id, a } of granted) {
      const { role } = BUILT_IN_ROLES[id]!;
      const scope = a.condition === "[parameters('readsCertificate')]" ? 'vaults' : BUILT_IN_ROLES[id]!.scope;
      expect(a.name, role).toMatch(
        /^\[guid\(resourceId\(.+parameters\('principalId'\), variables\('roleIds'\)\.\w+\)\]$/,
      );
      expect(a.scope, role).toMatch(new RegExp(`^\\[resourceId\\('Microsoft\\.\\w+/(\\w+/)*${scope}'`));
      expect(a.properties!.principalType, role).toBe('ServicePrincipal');
      expect(a.properties!.principalId, role).toBe("[parameters('principalId')]");
    }
  });
});

describe('resources', () => {
  it('runs on Flex Consumption with Node 22 and identity-based deployment storage', () => {
    const plan = onlyResource(main, 'Microsoft.Web/serverfarms') as { sku?: unknown };
    expect(plan.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
    const config = onlyResource(main, 'Microsoft.Web/sites').properties!.functionAppConfig as {
      runtime: unknown;
      deployment: { storage: { type: string; authentication: { type: string } } };
    };
    expect(config.runtime).toEqual({ name: 'node', version: '22' });
    expect(config.deployment.storage.type).toBe('blobContainer');
    expect(config.deployment.storage.authentication.type).toBe('UserAssignedIdentity');
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=20');
    // Flex Consumption rejects these; the runtime and package come from functionAppConfig.
    const settings = JSON.stringify(onlyResource(main, 'Microsoft.Web/sites').properties!.siteConfig);
    for (const rejected of [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
    ]) {
      expect(settings).not.toContain(rejected);
    }
  });

  it('locks the storage account down to Microsoft Entra authentication', () => {
    expect(onlyResource(main, 'Microsoft.Storage/storageAccounts').properties).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: 'TLS1_2',
    });
  });

  it('sizes the queue to host.json and to the retry pass', () => {
    const host = JSON.parse(read('host.json')) as {
      extensions: { serviceBus: { maxAutoLockRenewalDuration: string; maxConcurrentSessions: number } };
    };
    expect(onlyResource(main, 'Microsoft.ServiceBus/namespaces').properties).toMatchObject({
      disableLocalAuth: true,
    });
    const queues = resourcesOfType(main, 'Microsoft.ServiceBus/namespaces/queues');
    const queue = queues.find((q) => /parameters\('queueName'\)/.test(String(q.name)))!.properties!;
    expect(host.extensions.serviceBus.maxAutoLockRenewalDuration).toBe('00:05:00');
    // The session lock: renewed by the host for up to five minutes, taken over a minute after a crash.
    expect(queue.lockDuration).toBe('PT1M');
    expect(host.extensions.serviceBus.maxConcurrentSessions).toBe(16);
    expect(queue).toMatchObject({
      requiresSession: true,
      maxDeliveryCount: 10,
      deadLetteringOnMessageExpiration: true,
      requiresDuplicateDetection: true,
    });
    // The window outlasts several retry passes (every 5 minutes by default).
    expect(SETTINGS.find((s) => s.name === 'RETRY_SCHEDULE')!.defaultValue).toBe('0 */5 * * * *');
    expect(queue.duplicateDetectionHistoryTimeWindow).toBe('PT1H');
  });

  it('keeps the secret in a Key Vault with RBAC and soft delete, purge protection and name salt as parameters', () => {
    const vault = onlyResource(main, 'Microsoft.KeyVault/vaults').properties!;
    expect(vault).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true });
    expect(vault.enablePurgeProtection).toBe("[if(parameters('purgeProtection'), true(), null())]");
    expect(main.parameters?.keyVaultPurgeProtection?.defaultValue).toBe(false);
    expect(main.variables?.keyVaultName).toBe(
      "[if(empty(parameters('keyVaultNameSalt')), format('kv-{0}', variables('resourceToken')), format('kv-{0}', uniqueString(variables('resourceToken'), parameters('keyVaultNameSalt'))))]",
    );
  });
});
