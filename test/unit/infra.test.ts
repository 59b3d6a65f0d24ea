import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../shared/settingDefinitions';
import { compileInfra, moduleDeployment, onlyResource, templates } from '../support/armTemplate';

/*
 * infra/ as Azure Resource Manager sees it: main.bicep compiled by the real Bicep CLI (a missing CLI
 * fails this file; `npm run infra:restore` restores it), read as ARM JSON.
 */

beforeEach(() => {
  expect.hasAssertions();
});

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const { main } = compileInfra();

/** Settings the Functions host (not the connector's code) reads. */
const HOST_ONLY = new Set([
  'FUNCTIONS_WORKER_RUNTIME',
  'AzureWebJobsStorage',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
]);
/** Suffixes of identity-based connections that only qualify the connection's endpoint setting. */
const IDENTITY_QUALIFIERS = ['credential', 'clientId'];

/**
 * The setting of SETTINGS a configured name satisfies: itself, one of its alternatives, or the
 * `__credential` / `__clientId` qualifier of an identity-based connection. Other names map to
 * themselves, so an unknown name makes the sets differ.
 */
function canonical(configured: string): string {
  for (const setting of SETTINGS) {
    if (setting.name === configured || setting.alternatives?.includes(configured)) return setting.name;
  }
  const qualifier = /^(.+)__(\w+)$/.exec(configured);
  if (qualifier && IDENTITY_QUALIFIERS.includes(qualifier[2]!)) {
    const prefix = qualifier[1]!;
    if (SETTINGS.some((s) => s.name === prefix && s.alternatives?.length)) return prefix;
  }
  return configured;
}

const isHostOnly = (configured: string) => HOST_ONLY.has(configured.split('__')[0]!);
const settingNames = new Set(SETTINGS.map((s) => s.name));
/** Settings of Azure: every one but those only the local run reads. */
const azureSettingNames = new Set(SETTINGS.filter((s) => !s.localOnly).map((s) => s.name));

/** The app settings main.bicep passes to the Function App module, as ARM expressions. */
const appSettings = (
  moduleDeployment(main, 'functionApp').properties!.parameters as {
    appSettings: { value: { name: string; value: string }[] };
  }
).appSettings.value;
const settingNamesInBicep = appSettings.map((s) => s.name);
const settingValue = (name: string) => appSettings.find((s) => s.name === name)?.value;

describe('app settings: SETTINGS, local.settings.example.json, the Bicep and the README agree', () => {
  it('local.settings.example.json carries every setting the code reads, and nothing else', () => {
    const example = JSON.parse(read('local.settings.example.json')) as {
      IsEncrypted: boolean;
      Values: Record<string, string>;
    };
    expect(example.IsEncrypted).toBe(false);
    expect(example.Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(example.Values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    const names = Object.keys(example.Values).filter((n) => !isHostOnly(n));
    expect(new Set(names.map(canonical))).toEqual(settingNames);
    const withDefaults = SETTINGS.filter((s) => s.defaultValue !== undefined && s.name in example.Values);
    expect(withDefaults.length).toBeGreaterThan(0);
    for (const setting of withDefaults) {
      expect(example.Values[setting.name], setting.name).toBe(setting.defaultValue);
    }
    expect(example.Values.EXCHANGE_CLIENT_SECRET).toMatch(/^<.+>$/);
  });

  it('the Bicep app settings carry every setting the code reads, and nothing else', () => {
    expect(new Set(settingNamesInBicep.filter((n) => !isHostOnly(n)).map(canonical))).toEqual(
      azureSettingNames,
    );
    // A setting that signs the local run in must never exist in Azure.
    const localOnly = SETTINGS.filter((s) => s.localOnly).map((s) => s.name);
    expect(localOnly).toEqual(['LOCAL_PRINCIPAL_NAME', 'LOCAL_PRINCIPAL_ROLES']);
    for (const name of localOnly) expect(settingNamesInBicep).not.toContain(name);
    expect(settingNamesInBicep).not.toContain('WEBSITE_AUTH_ENABLED');
    expect(new Set(settingNamesInBicep).size, 'no setting twice').toBe(settingNamesInBicep.length);
  });

  it('connections are identity-based in Azure: endpoint, credential and client id, no connection string', () => {
    const connections = SETTINGS.filter((s) => s.alternatives?.length);
    expect(connections.map((s) => s.name)).toEqual(['ServiceBusConnection', 'TableStorageConnection']);
    for (const setting of connections) {
      expect(settingNamesInBicep, setting.name).not.toContain(setting.name);
      const endpoint = setting.alternatives!.filter((a) => settingNamesInBicep.includes(a));
      expect(endpoint, `${setting.name}: one of ${setting.alternatives!.join(', ')}`).toHaveLength(1);
      expect(settingValue(endpoint[0]!)).toMatch(
        /^\[reference\('(serviceBus|storage)'\)\.outputs\.\w+\.value\]$/,
      );
      expect(settingValue(`${setting.name}__credential`)).toBe('managedidentity');
      expect(settingValue(`${setting.name}__clientId`)).toBe(
        "[reference('identity').outputs.clientId.value]",
      );
    }
  });

  it('the host storage is identity-based through service URIs, which hold each cloud’s own suffix', () => {
    expect(settingValue('AzureWebJobsStorage__blobServiceUri')).toBe(
      "[reference('storage').outputs.blobEndpoint.value]",
    );
    expect(settingValue('AzureWebJobsStorage__queueServiceUri')).toBe(
      "[reference('storage').outputs.queueEndpoint.value]",
    );
    expect(settingValue('AzureWebJobsStorage__credential')).toBe('managedidentity');
    expect(settingValue('AzureWebJobsStorage__clientId')).toBe(
      "[reference('identity').outputs.clientId.value]",
    );
    expect(settingNamesInBicep).not.toContain('AzureWebJobsStorage');
    expect(settingNamesInBicep).not.toContain('AzureWebJobsStorage__accountName');
    const storage = templates(main).find((t) => t.module === 'storage')!.template;
    expect(storage.outputs?.blobEndpoint?.value).toBe("[reference('storage').primaryEndpoints.blob]");
    expect(storage.outputs?.queueEndpoint?.value).toBe("[reference('storage').primaryEndpoints.queue]");
  });

  it('telemetry uses Microsoft Entra authentication with the identity', () => {
    expect(settingValue('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe(
      "[reference('monitoring').outputs.connectionString.value]",
    );
    expect(settingValue('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe(
      "[format('ClientId={0};Authorization=AAD', reference('identity').outputs.clientId.value)]",
    );
  });

  it('secret settings come from Key Vault references resolved with the user-assigned identity', () => {
    const secrets = SETTINGS.filter((s) => s.secret && !s.alternatives?.length);
    expect(secrets.map((s) => s.name)).toEqual([
      'EXCHANGE_CLIENT_SECRET',
      'EXCHANGE_CLIENT_CERTIFICATE',
      'EXCHANGE_CLIENT_CERTIFICATE_PASSWORD',
      'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET',
      'GRAPH_CLIENT_STATE',
    ]);
    expect(settingValue('EXCHANGE_CLIENT_SECRET')).toMatch(
      /^\[if\(equals\(parameters\('exchangeCredentialType'\), 'secret'\), format\('@Microsoft\.KeyVault\(VaultName=\{0\};SecretName=\{1\}\)', reference\('keyVault'\)\.outputs\.name\.value, reference\('keyVault'\)\.outputs\.secretName\.value\), ''\)\]$/,
    );
    expect(settingValue('EXCHANGE_CLIENT_CERTIFICATE')).toBe(
      "[if(equals(parameters('exchangeCredentialType'), 'certificate'), format('@Microsoft.KeyVault(VaultName={0};SecretName={1})', reference('keyVault').outputs.name.value, parameters('exchangeClientCertificateName')), '')]",
    );
    // A password only goes with a local file; Key Vault serves the certificate without one.
    expect(settingValue('EXCHANGE_CLIENT_CERTIFICATE_PASSWORD')).toBe('');
    // The sign-in registration's secret is optional: a Key Vault reference when given, empty otherwise.
    expect(settingValue('MICROSOFT_PROVIDER_AUTHENTICATION_SECRET')).toBe(
      "[if(empty(parameters('signInClientSecret')), '', format('@Microsoft.KeyVault(VaultName={0};SecretName={1})', reference('keyVault').outputs.name.value, variables('signInSecretName')))]",
    );
    // Two-way sync off (no clientState): no secret to refer to.
    expect(settingValue('GRAPH_CLIENT_STATE')).toBe(
      "[if(empty(parameters('graphClientState')), '', format('@Microsoft.KeyVault(VaultName={0};SecretName={1})', reference('keyVault').outputs.name.value, reference('twoWaySync').outputs.clientStateSecretName.value))]",
    );
    const site = onlyResource(main, 'Microsoft.Web/sites');
    expect(site.properties!.keyVaultReferenceIdentity).toBe("[parameters('identityId')]");
  });

  it('each setting with a default has one parameter of main.bicep, named in its description, with that default', () => {
    const parameters = Object.values(main.parameters ?? {});
    const withDefaults = SETTINGS.filter((s) => s.defaultValue !== undefined && !s.localOnly);
    expect(withDefaults.length).toBeGreaterThan(5);
    for (const setting of withDefaults) {
      const described = parameters.filter((p) => p.metadata?.description?.startsWith(`${setting.name}:`));
      expect(described, setting.name).toHaveLength(1);
      // The authority host defaults to the sign-in endpoint of the cloud deployed to (the code drops
      // the trailing slash): https://login.microsoftonline.com/ in the public cloud.
      const expected =
        setting.name === 'EXCHANGE_AUTHORITY_HOST'
          ? '[environment().authentication.loginEndpoint]'
          : described[0]!.type === 'int'
            ? Number(setting.defaultValue)
            : described[0]!.type === 'bool'
              ? setting.defaultValue === 'true'
              : setting.defaultValue;
      expect(described[0]!.defaultValue, setting.name).toBe(expected);
    }
  });

  it("each setting has a row in the README's settings table", () => {
    const rows = read('README.md')
      .split('\n')
      .filter((line) => line.trimStart().startsWith('|'));
    for (const setting of SETTINGS) {
      expect(
        rows.some((row) => row.includes(`\`${setting.name}\``)),
        `README table row for ${setting.name}`,
      ).toBe(true);
    }
  });
});
