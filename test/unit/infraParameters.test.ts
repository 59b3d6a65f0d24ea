import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { compileInfra, onlyResource } from '../support/armTemplate';

/* The azd conventions and parameters of infra/main.bicep, read from the compiled ARM JSON. */

beforeEach(() => {
  expect.hasAssertions();
});

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const { main } = compileInfra();

describe('infra/main.bicep and main.parameters.json', () => {
  const parameters = JSON.parse(read('infra/main.parameters.json')) as {
    parameters: Record<string, { value: string }>;
  };
  const declared = main.parameters ?? {};

  it('follows the azd conventions', () => {
    expect(main.$schema).toContain('/deploymentTemplate.json#'); // resource group scope
    expect(Object.keys(declared)).toEqual(expect.arrayContaining(['environmentName', 'location']));
    expect(main.variables?.tags).toEqual({ 'azd-env-name': "[parameters('environmentName')]" });
    expect(onlyResource(main, 'Microsoft.Web/sites').tags).toBe(
      "[union(parameters('tags'), createObject('azd-service-name', 'api'))]",
    );
    for (const output of ['AZURE_LOCATION', 'AZURE_FUNCTION_APP_NAME', 'AZURE_FUNCTION_APP_URL']) {
      expect(main.outputs?.[output]?.type, output).toBe('string');
    }
    expect(main.outputs?.SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE?.value).toBe(
      "[reference('serviceBus').outputs.fullyQualifiedNamespace.value]",
    );
  });

  it('passes every required parameter of main.bicep, and only declared ones', () => {
    const required = Object.entries(declared).filter(([, p]) => !('defaultValue' in p));
    expect(required.map(([name]) => name).sort()).toEqual([
      'environmentName',
      'exchangeClientId',
      'exchangeClientSecret',
      'graphClientState',
      'signInClientId',
    ]);
    for (const [name] of required) expect(Object.keys(parameters.parameters), name).toContain(name);
    for (const key of Object.keys(parameters.parameters)) expect(Object.keys(declared), key).toContain(key);
  });

  it('takes every value from the azd environment, the secret without a default', () => {
    for (const [name, { value }] of Object.entries(parameters.parameters)) {
      expect(value, name).toMatch(/^\$\{[A-Z0-9_]+(=[\w.-]*)?\}$/);
    }
    expect(parameters.parameters.exchangeClientSecret!.value).toBe(`$${'{'}EXCHANGE_CLIENT_SECRET}`);
  });

  it('pre-creates exactly the tables the code names in TableName (the code creates a missing one too)', () => {
    const tables = main.variables?.connectorTables as string[];
    const source = readFileSync(join(root, 'shared', 'adapters', 'tables', 'tableClients.ts'), 'utf8');
    const union = /export type TableName =([^;]+);/.exec(source)?.[1] ?? '';
    const named = [...union.matchAll(/'(\w+)'/g)].map(([, name]) => name);
    expect(named.length).toBeGreaterThan(4);
    expect([...tables].sort()).toEqual(named.sort());
  });
});
