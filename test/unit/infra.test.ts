import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../shared/settings';

/*
 * The Bicep CLI is not available here, so these are text checks of infra/: simple, deliberately
 * conservative parsing of the subset of Bicep this project writes.
 */

const root = join(__dirname, '..', '..');
const infra = join(root, 'infra');
const read = (path: string) => readFileSync(path, 'utf8');

const bicepFiles = [
  join(infra, 'main.bicep'),
  ...readdirSync(join(infra, 'modules'))
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => join(infra, 'modules', f)),
];
const name = (file: string) => relative(root, file);

/** Settings the Functions host (not the connector's code) reads. */
const HOST_ONLY = new Set([
  'FUNCTIONS_WORKER_RUNTIME',
  'AzureWebJobsStorage',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
]);
/** Suffixes of identity-based connections that only qualify the connection's endpoint setting. */
const IDENTITY_QUALIFIERS = ['credential', 'clientId'];

/** Built-in role definition ids, the only GUIDs allowed in the Bicep, each with its role's name. */
const BUILT_IN_ROLES: Record<string, string> = {
  '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0': 'Azure Service Bus Data Receiver',
  '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39': 'Azure Service Bus Data Sender',
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor',
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': 'Storage Table Data Contributor',
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
};

/** Resource types and the GA API versions we are sure of. */
const API_VERSIONS: Record<string, readonly string[]> = {
  'Microsoft.Web/serverfarms': ['2024-04-01'],
  'Microsoft.Web/sites': ['2024-04-01'],
  'Microsoft.Web/sites/basicPublishingCredentialsPolicies': ['2024-04-01'],
  'Microsoft.Storage/storageAccounts': ['2023-05-01'],
  'Microsoft.Storage/storageAccounts/blobServices': ['2023-05-01'],
  'Microsoft.Storage/storageAccounts/blobServices/containers': ['2023-05-01'],
  'Microsoft.Storage/storageAccounts/tableServices': ['2023-05-01'],
  'Microsoft.Storage/storageAccounts/tableServices/tables': ['2023-05-01'],
  'Microsoft.ServiceBus/namespaces': ['2021-11-01'],
  'Microsoft.ServiceBus/namespaces/queues': ['2021-11-01'],
  'Microsoft.KeyVault/vaults': ['2023-07-01'],
  'Microsoft.KeyVault/vaults/secrets': ['2023-07-01'],
  'Microsoft.Authorization/roleAssignments': ['2022-04-01'],
  'Microsoft.ManagedIdentity/userAssignedIdentities': ['2023-01-31'],
  'Microsoft.Insights/components': ['2020-02-02'],
  'Microsoft.OperationalInsights/workspaces': ['2023-09-01'],
};

// ---------------------------------------------------------------------------------------------
// A little Bicep reading
// ---------------------------------------------------------------------------------------------

/**
 * Scans Bicep text once. `code` drops comments and keeps strings; `bare` also reduces each string to
 * the expressions of its interpolations, so identifiers inside plain string text do not count.
 */
function scan(text: string): { code: string; bare: string } {
  let code = '';
  let bare = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === "'") {
      let j = i + 1;
      let parts = ' ';
      while (j < text.length && text[j] !== "'") {
        if (text[j] === '\\') {
          j += 2;
        } else if (text[j] === '$' && text[j + 1] === '{') {
          let depth = 1;
          let k = j + 2;
          while (k < text.length && depth > 0) {
            if (text[k] === '{') depth++;
            else if (text[k] === '}') depth--;
            k++;
          }
          parts += `${text.slice(j + 2, k - 1)} `;
          j = k;
        } else {
          j++;
        }
      }
      code += text.slice(i, j + 1);
      bare += parts;
      i = j + 1;
    } else {
      code += c;
      bare += c;
      i++;
    }
  }
  return { code, bare };
}

/** The text between the bracket at `open` and its match (brackets inside strings are balanced here). */
function block(text: string, open: number): string {
  const opening = text[open];
  const closing = opening === '[' ? ']' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === opening) depth++;
    else if (text[i] === closing && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error(`unbalanced ${opening} at ${open}`);
}

interface Param {
  readonly name: string;
  readonly type: string;
  readonly hasDefault: boolean;
  readonly defaultText?: string;
  readonly decorators: string;
}

/** `param` declarations with the decorators written on the lines just above each. */
function params(text: string): Param[] {
  const lines = scan(text).code.split('\n');
  const found: Param[] = [];
  let decorators: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('@')) {
      decorators.push(trimmed);
      continue;
    }
    const match = /^param\s+(\w+)\s+(\w+\??)\s*(?:=\s*(.+))?$/.exec(trimmed);
    if (match) {
      found.push({
        name: match[1]!,
        type: match[2]!,
        hasDefault: match[3] !== undefined || match[2]!.endsWith('?'),
        ...(match[3] !== undefined ? { defaultText: match[3].trim() } : {}),
        decorators: decorators.join('\n'),
      });
    }
    // A decorator may span lines (@allowed([...])); anything else ends the run of decorators.
    if (!trimmed.startsWith(']') && !/^['\w-]+$/.test(trimmed) && trimmed !== '') decorators = [];
  }
  return found;
}

interface ModuleRef {
  readonly symbol: string;
  readonly path: string;
  readonly passed: readonly string[];
}

/** `module x 'path' = { ... params: { key: ... } }` declarations and the keys they pass. */
function modules(text: string): ModuleRef[] {
  const code = scan(text).code;
  const refs: ModuleRef[] = [];
  for (const match of code.matchAll(/^module\s+(\w+)\s+'([^']+)'\s*=\s*\{/gm)) {
    const body = block(code, match.index + match[0].length - 1);
    const paramsAt = /\bparams\s*:\s*\{/.exec(body);
    const passed: string[] = [];
    if (paramsAt) {
      const inner = block(body, paramsAt.index + paramsAt[0].length - 1);
      // Keys at the top level of the params object only.
      let depth = 0;
      for (const line of inner.split('\n')) {
        const key = /^\s*(\w+)\s*:/.exec(line);
        if (depth === 0 && key) passed.push(key[1]!);
        for (const ch of line) {
          if (ch === '{' || ch === '[' || ch === '(') depth++;
          else if (ch === '}' || ch === ']' || ch === ')') depth--;
        }
      }
    }
    refs.push({ symbol: match[1]!, path: match[2]!, passed });
  }
  return refs;
}

/** Names of the `{ name: '...', value: ... }` entries of every `appSettings` array literal. */
function appSettingNames(text: string): string[] {
  const code = scan(text).code;
  const names: string[] = [];
  for (const match of code.matchAll(/\bappSettings\s*(?::|=)\s*\[/g)) {
    const entries = block(code, match.index + match[0].length - 1);
    for (const entry of entries.matchAll(/\bname\s*:\s*'([^']+)'/g)) names.push(entry[1]!);
  }
  return names;
}

/** The value expression of one app setting entry, as written. */
function appSettingValue(text: string, settingName: string): string | undefined {
  const code = scan(text).code;
  const at = code.indexOf(`name: '${settingName}'`);
  if (at < 0) return undefined;
  return /\bvalue\s*:\s*(.+)/.exec(code.slice(at))?.[1]?.trim();
}

/** Bodies of the resources declared with a given type, conditional (`= if (...) {`) or not. */
function resourceBodies(text: string, type: string): string[] {
  const code = scan(text).code;
  const bodies: string[] = [];
  const pattern = new RegExp(
    `^resource\\s+\\w+\\s+'${type.replace(/[./]/g, '\\$&')}@[\\w-]+'\\s*=\\s*(?:if\\s*\\([^\\n]*\\)\\s*)?\\{`,
    'gm',
  );
  for (const match of code.matchAll(pattern)) bodies.push(block(code, match.index + match[0].length - 1));
  return bodies;
}

/** Minutes in an ISO 8601 duration of the forms Service Bus uses here (PnDTnHnMnS). */
function minutes(duration: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  return Number(d) * 1440 + Number(h) * 60 + Number(m) + Number(s) / 60;
}

// ---------------------------------------------------------------------------------------------
// Settings: one list, four places
// ---------------------------------------------------------------------------------------------

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
const mainBicep = read(join(infra, 'main.bicep'));
const bicepSettings = bicepFiles.flatMap((f) => appSettingNames(read(f)));

describe('app settings: SETTINGS, local.settings.example.json, the Bicep and the README agree', () => {
  it('local.settings.example.json carries every setting the code reads, and nothing else', () => {
    const example = JSON.parse(read(join(root, 'local.settings.example.json'))) as {
      IsEncrypted: boolean;
      Values: Record<string, string>;
    };
    expect(example.IsEncrypted).toBe(false);
    expect(example.Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(example.Values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    const names = Object.keys(example.Values).filter((n) => !isHostOnly(n));
    expect(new Set(names.map(canonical))).toEqual(settingNames);
    for (const setting of SETTINGS) {
      if (setting.defaultValue !== undefined && setting.name in example.Values) {
        expect(example.Values[setting.name], setting.name).toBe(setting.defaultValue);
      }
      if (setting.name === 'EXCHANGE_CLIENT_SECRET') {
        expect(example.Values[setting.name]).toMatch(/^<.+>$/);
      }
    }
  });

  it('the Bicep app settings carry every setting the code reads, and nothing else', () => {
    expect(bicepSettings.length).toBeGreaterThan(0);
    expect(new Set(bicepSettings.filter((n) => !isHostOnly(n)).map(canonical))).toEqual(settingNames);
    expect(new Set(bicepSettings).size, 'no setting twice').toBe(bicepSettings.length);
  });

  it('connections are identity-based in Azure: endpoint, credential and client id, no connection string', () => {
    for (const setting of SETTINGS.filter((s) => s.alternatives?.length)) {
      expect(bicepSettings, setting.name).not.toContain(setting.name);
      expect(
        setting.alternatives!.some((a) => bicepSettings.includes(a)),
        `${setting.name}: one of ${setting.alternatives!.join(', ')}`,
      ).toBe(true);
      expect(appSettingValue(mainBicep, `${setting.name}__credential`)).toBe("'managedidentity'");
      expect(bicepSettings).toContain(`${setting.name}__clientId`);
    }
    for (const suffix of ['accountName', 'credential', 'clientId']) {
      expect(bicepSettings).toContain(`AzureWebJobsStorage__${suffix}`);
    }
    expect(bicepSettings).not.toContain('AzureWebJobsStorage');
    expect(bicepSettings).toContain('APPLICATIONINSIGHTS_CONNECTION_STRING');
    expect(appSettingValue(mainBicep, 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toMatch(
      /ClientId=\$\{.+\};Authorization=AAD/,
    );
  });

  it('secret settings come from Key Vault references resolved with the user-assigned identity', () => {
    // A reference, or for the credential type that uses it a reference and an empty value otherwise.
    const reference = "'@Microsoft\\.KeyVault\\(VaultName=\\$\\{[^}]+\\};SecretName=\\$\\{[^}]+\\}\\)'";
    const referenceForType = new RegExp(
      `^(?:${reference}|exchangeCredentialType == '\\w+' \\? ${reference} : '')$`,
    );
    for (const setting of SETTINGS.filter((s) => s.secret && !s.alternatives?.length)) {
      const value = appSettingValue(mainBicep, setting.name);
      // Settings only a local run uses (a certificate file's password) stay empty in Azure.
      if (setting.name === 'EXCHANGE_CLIENT_CERTIFICATE_PASSWORD') expect(value, setting.name).toBe("''");
      else expect(value, setting.name).toMatch(referenceForType);
    }
    const functionApp = read(join(infra, 'modules', 'functionApp.bicep'));
    expect(functionApp).toMatch(/keyVaultReferenceIdentity:\s*identityId/);
  });

  it('Bicep parameter defaults are the defaults of SETTINGS', () => {
    const declared = params(mainBicep);
    for (const setting of SETTINGS.filter((s) => s.defaultValue !== undefined)) {
      const withDefault = declared.filter(
        (p) => p.defaultText === `'${setting.defaultValue}'` || p.defaultText === setting.defaultValue,
      );
      expect(withDefault.length, `a param defaulting to ${setting.defaultValue} (${setting.name})`).toBe(1);
      expect(withDefault[0]!.decorators, setting.name).toContain(setting.name);
    }
  });

  it("each setting has a row in the README's settings table", () => {
    const readmePath = join(root, 'README.md');
    expect(existsSync(readmePath), 'README.md exists').toBe(true);
    const rows = read(readmePath)
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

// ---------------------------------------------------------------------------------------------
// Structure
// ---------------------------------------------------------------------------------------------

describe.each(bicepFiles.map((f) => [name(f), f] as const))('%s', (_, file) => {
  const text = read(file);
  const { code, bare } = scan(text);

  it('uses every parameter it declares', () => {
    // Without declarations and without the property key that starts a line (`name: ...`).
    const body = bare
      .split('\n')
      .filter((line) => !/^\s*param\s/.test(line))
      .map((line) => line.replace(/^\s*\w+\s*:/, ''))
      .join('\n');
    for (const param of params(text)) {
      // Not a member access (`x.name`) either.
      const use = new RegExp(`(?<![.\\w])${param.name}\\b`);
      expect(use.test(body), `param ${param.name} is used`).toBe(true);
    }
  });

  it('describes every parameter', () => {
    for (const param of params(text)) {
      expect(param.decorators, `@description on ${param.name}`).toMatch(/@description\('/);
    }
  });

  it('marks secret parameters @secure()', () => {
    for (const param of params(text)) {
      if (/(secret|secretValue|password|connectionString|key)$/i.test(param.name)) {
        expect(param.decorators, `@secure() on ${param.name}`).toContain('@secure()');
        expect(param.hasDefault, `no default for secret ${param.name}`).toBe(false);
      }
    }
  });

  it('references existing modules and passes each one its required parameters', () => {
    for (const ref of modules(text)) {
      const target = resolve(dirname(file), ref.path);
      expect(existsSync(target), `${ref.path} exists`).toBe(true);
      const declared = params(read(target));
      const declaredNames = declared.map((p) => p.name);
      for (const key of ref.passed) {
        expect(declaredNames, `${ref.symbol} passes ${key}, which ${ref.path} declares`).toContain(key);
      }
      for (const param of declared.filter((p) => !p.hasDefault)) {
        expect(ref.passed, `${ref.symbol} passes required ${param.name}`).toContain(param.name);
      }
    }
  });

  it('holds no key, connection string or secret literal', () => {
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
      expect(code, String(forbidden)).not.toMatch(forbidden);
    }
    // GUIDs: only built-in role definition ids, each with a comment naming its role.
    for (const line of text.split('\n')) {
      for (const [guid] of line.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)) {
        const role = BUILT_IN_ROLES[guid.toLowerCase()];
        expect(role, `${guid} is a known built-in role id`).toBeDefined();
        expect(line, `${guid} carries the comment // ${role}`).toContain(`// ${role}`);
      }
    }
    // Long opaque literals mixing digits and both cases look like pasted secrets or keys.
    for (const [literal] of code.matchAll(/'([^'\s$]{32,})'/g)) {
      const opaque = /\d/.test(literal) && /[a-z]/.test(literal) && /[A-Z]/.test(literal);
      expect(opaque && !/^'(https?:|Microsoft\.)/.test(literal), `opaque literal ${literal}`).toBe(false);
    }
  });

  it('names role assignments with guid(...)', () => {
    for (const body of resourceBodies(text, 'Microsoft.Authorization/roleAssignments')) {
      expect(body).toMatch(/^\s*name:\s*guid\(/m);
      expect(body).toMatch(/principalType:\s*'ServicePrincipal'/);
    }
  });

  it('uses only allow-listed GA API versions', () => {
    for (const [, type, version] of code.matchAll(/'(Microsoft\.[\w.]+\/[\w/.]+)@([\w-]+)'/g)) {
      expect(API_VERSIONS[type!], `${type} is an allow-listed type`).toBeDefined();
      expect(API_VERSIONS[type!], `${type}@${version}`).toContain(version);
    }
  });
});

describe('infra/main.bicep and main.parameters.json', () => {
  const parameters = JSON.parse(read(join(infra, 'main.parameters.json'))) as {
    parameters: Record<string, { value: unknown }>;
  };
  const declared = params(mainBicep);

  it('follows the azd conventions', () => {
    expect(mainBicep).toMatch(/^targetScope = 'resourceGroup'/m);
    expect(declared.map((p) => p.name)).toEqual(expect.arrayContaining(['environmentName', 'location']));
    expect(mainBicep).toContain("'azd-env-name': environmentName");
    expect(read(join(infra, 'modules', 'functionApp.bicep'))).toContain("'azd-service-name': 'api'");
    for (const output of ['AZURE_LOCATION', 'AZURE_FUNCTION_APP_NAME', 'AZURE_FUNCTION_APP_URL']) {
      expect(mainBicep).toMatch(new RegExp(`^output ${output} string =`, 'm'));
    }
    expect(mainBicep).toMatch(
      /^output \w*SERVICE_BUS\w* string = serviceBus\.outputs\.fullyQualifiedNamespace/m,
    );
  });

  it('passes every required parameter of main.bicep, and only declared ones', () => {
    for (const param of declared.filter((p) => !p.hasDefault)) {
      expect(Object.keys(parameters.parameters), param.name).toContain(param.name);
    }
    for (const key of Object.keys(parameters.parameters)) {
      expect(
        declared.map((p) => p.name),
        key,
      ).toContain(key);
    }
  });

  it('takes secure parameters from the environment, never as a literal', () => {
    for (const param of declared.filter((p) => p.decorators.includes('@secure()'))) {
      const value = parameters.parameters[param.name]?.value;
      if (value !== undefined) expect(value, param.name).toMatch(/^\$\{[A-Z0-9_]+\}$/);
    }
  });

  it('pre-creates only tables the code names (the code creates a missing one on first use)', () => {
    const list = /var connectorTables = \[([^\]]*)\]/.exec(mainBicep)?.[1] ?? '';
    const tables = [...list.matchAll(/'(\w+)'/g)].map((m) => m[1]!);
    expect(tables.length).toBeGreaterThan(0);
    const adapters = join(root, 'shared', 'adapters', 'tables');
    const source = readdirSync(adapters)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => read(join(adapters, f)))
      .join('\n');
    for (const table of tables) expect(source, `table ${table}`).toContain(`'${table}'`);
  });
});

describe('resources', () => {
  const module = (file: string) => read(join(infra, 'modules', file));

  it('runs on Flex Consumption with Node 20 and identity-based deployment storage', () => {
    const text = module('functionApp.bicep');
    expect(text).toMatch(/name:\s*'FC1'/);
    expect(text).toMatch(/tier:\s*'FlexConsumption'/);
    expect(text).toMatch(/runtime:\s*\{\s*name:\s*'node'\s*version:\s*'20'\s*\}/);
    expect(text).toMatch(/type:\s*'blobContainer'/);
    expect(text).toMatch(/type:\s*'UserAssignedIdentity'/);
    expect(text).toMatch(/instanceMemoryMB:/);
    expect(text).toMatch(/maximumInstanceCount:/);
    // Flex Consumption rejects these; the runtime and package come from functionAppConfig.
    for (const deprecated of [
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'WEBSITE_RUN_FROM_PACKAGE',
    ]) {
      expect(bicepSettings).not.toContain(deprecated);
    }
  });

  it('locks the storage account down to Microsoft Entra authentication', () => {
    const text = module('storage.bicep');
    expect(text).toMatch(/allowSharedKeyAccess:\s*false/);
    expect(text).toMatch(/allowBlobPublicAccess:\s*false/);
    expect(text).toMatch(/minimumTlsVersion:\s*'TLS1_2'/);
  });

  it('sizes the queue to host.json and to the retry pass', () => {
    const text = scan(module('serviceBus.bicep')).code;
    const host = JSON.parse(read(join(root, 'host.json'))) as {
      extensions: { serviceBus: { maxAutoLockRenewalDuration: string } };
    };
    const property = (key: string) => new RegExp(`\\b${key}:\\s*'?([\\w]+)'?`).exec(text)?.[1];
    expect(text).toMatch(/disableLocalAuth:\s*true/);
    expect(text).toMatch(/name:\s*'Standard'/);
    const [h, m, s] = host.extensions.serviceBus.maxAutoLockRenewalDuration.split(':').map(Number);
    const renewalMinutes = h! * 60 + m! + s! / 60;
    const lock = minutes(property('lockDuration')!);
    expect(lock).toBeLessThanOrEqual(5); // the Service Bus maximum
    expect(lock).toBeLessThanOrEqual(renewalMinutes);
    expect(property('maxDeliveryCount')).toBe('10');
    expect(property('deadLetteringOnMessageExpiration')).toBe('true');
    expect(property('requiresDuplicateDetection')).toBe('true');
    // The window outlasts several retry passes (every 5 minutes by default).
    const retryEvery = Number(
      /\*\/(\d+)/.exec(SETTINGS.find((x) => x.name === 'RETRY_SCHEDULE')!.defaultValue!)![1],
    );
    expect(minutes(property('duplicateDetectionHistoryTimeWindow')!)).toBeGreaterThanOrEqual(2 * retryEvery);
  });

  it('keeps the secret in a Key Vault with RBAC, soft delete and purge protection', () => {
    const text = module('keyVault.bicep');
    expect(text).toMatch(/enableRbacAuthorization:\s*true/);
    expect(text).toMatch(/enableSoftDelete:\s*true/);
    expect(text).toMatch(/enablePurgeProtection:\s*true/);
  });

  it('grants the identity every role it needs', () => {
    const text = module('roles.bicep');
    for (const [id, role] of Object.entries(BUILT_IN_ROLES)) expect(text, role).toContain(id);
    expect(resourceBodies(text, 'Microsoft.Authorization/roleAssignments')).toHaveLength(
      Object.keys(BUILT_IN_ROLES).length,
    );
  });
});
