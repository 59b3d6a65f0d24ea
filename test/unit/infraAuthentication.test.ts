import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { HEALTH_PROBE_ROUTE } from '../../functions/healthProbe';
import { hostRoutePrefix } from '../../stand-ins/host/httpRunner';
import { compileInfra, moduleDeployment, onlyResource, resourcesOfType } from '../support/armTemplate';

/* App Service Authentication in front of the Function App, read from the compiled ARM JSON. */

beforeEach(() => {
  expect.hasAssertions();
});

const root = join(__dirname, '..', '..');
const { main } = compileInfra();
const settings = onlyResource(main, 'Microsoft.Web/sites/config');
const properties = settings.properties as {
  platform: unknown;
  globalValidation: Record<string, unknown>;
  identityProviders: { azureActiveDirectory: Record<string, unknown> };
  login: unknown;
  httpSettings: unknown;
};
const parameters = moduleDeployment(main, 'authentication').properties!.parameters as Record<string, unknown>;

describe('authsettingsV2 on the Function App', () => {
  it('turns sign-in on for every request and sends a browser without a session to sign in', () => {
    expect(settings.module).toBe('authentication');
    expect(settings.name).toBe("[format('{0}/{1}', parameters('appName'), 'authsettingsV2')]");
    expect(properties.platform).toEqual({ enabled: true, runtimeVersion: '~1' });
    expect(properties.globalValidation).toEqual({
      requireAuthentication: true,
      unauthenticatedClientAction: 'RedirectToLoginPage',
      redirectToProvider: 'azureactivedirectory',
      excludedPaths: "[parameters('excludedPaths')]",
    });
    expect(parameters.appName).toEqual({ value: "[reference('functionApp').outputs.name.value]" });
  });

  it("excludes the health probe and Graph's webhook only, as the functions and host.json name them", () => {
    expect(parameters.excludedPaths).toEqual({
      value: "[concat(createArray(variables('healthProbePath')), variables('graphWebhookPaths'))]",
    });
    expect(main.variables?.healthProbePath).toBe(`/${hostRoutePrefix()}/${HEALTH_PROBE_ROUTE}`);
    const webhook = readFileSync(join(root, 'functions', 'graphNotifications.ts'), 'utf8');
    expect(webhook).toContain("route: 'graph/{channel}'");
    expect(main.variables?.graphWebhookPaths).toEqual(
      ['notifications', 'lifecycle'].map((channel) => `/${hostRoutePrefix()}/graph/${channel}`),
    );
  });

  it('signs in with the sign-in registration of the parameter, accepting its v1 and v2 tokens', () => {
    const entra = properties.identityProviders.azureActiveDirectory;
    expect(entra.enabled).toBe(true);
    expect(entra.registration).toBe(
      "[union(createObject('clientId', parameters('clientId'), 'openIdIssuer', format('{0}{1}/v2.0', environment().authentication.loginEndpoint, parameters('tenantId'))), if(empty(parameters('credentialSettingName')), createObject(), createObject('clientSecretSettingName', parameters('credentialSettingName'))))]",
    );
    expect(entra.validation).toEqual({
      allowedAudiences: ["[parameters('clientId')]", "[format('api://{0}', parameters('clientId'))]"],
    });
    expect(parameters.clientId).toEqual({ value: "[parameters('signInClientId')]" });
    expect(main.parameters?.signInClientId).not.toHaveProperty('defaultValue');
    expect(main.outputs?.SIGN_IN_CLIENT_ID?.value).toBe("[parameters('signInClientId')]");
  });

  it('reads the optional client secret from the app setting that holds its Key Vault reference', () => {
    expect(parameters.credentialSettingName).toBe(
      "[if(empty(parameters('signInClientSecret')), createObject('value', ''), createObject('value', 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET'))]",
    );
    const secrets = resourcesOfType(main, 'Microsoft.KeyVault/vaults/secrets');
    expect(secrets.map((s) => s.condition)).toEqual([
      "[parameters('holdsSecret')]",
      "[not(empty(parameters('signInSecretValue')))]",
      "[variables('enabled')]",
    ]);
  });

  it('keeps no token store and requires https', () => {
    expect(properties.login).toEqual({
      tokenStore: { enabled: false },
      preserveUrlFragmentsForLogins: false,
    });
    expect(properties.httpSettings).toEqual({
      requireHttps: true,
      routes: { apiPrefix: '/.auth' },
      forwardProxy: { convention: 'NoProxy' },
    });
  });
});

describe('the HTTP functions behind it', () => {
  it('need no function key: every one is anonymous to the Functions host, and all but the probe check a role', () => {
    const functions = join(root, 'functions');
    const http = readdirSync(functions)
      .map((file) => ({ file, source: readFileSync(join(functions, file), 'utf8') }))
      .filter(({ source }) => source.includes("trigger: 'http'"));
    expect(http.map(({ file }) => file).sort()).toEqual([
      'clearUnalignedEvent.ts',
      'codesApi.ts',
      'errorsApi.ts',
      'errorsExport.ts',
      'errorsPage.ts',
      'graphNotifications.ts',
      'health.ts',
      'healthProbe.ts',
      'replayTransaction.ts',
      'unalignedEvents.ts',
    ]);
    for (const { file, source } of http) {
      expect(source, file).toContain("authLevel: 'anonymous'");
      expect(source, file).not.toContain("authLevel: 'function'");
      // The probe answers monitoring; Graph's webhook checks each notification's clientState instead.
      if (file !== 'healthProbe.ts' && file !== 'graphNotifications.ts')
        expect(source, file).toMatch(/handler: requireRole\(ERRORS_(READ|REPLAY), /);
    }
  });

  it('the page sends no function key anywhere', () => {
    const page = ['pageAssets.ts', 'renderPage.ts', 'pageState.ts']
      .map((file) => readFileSync(join(root, 'shared', 'http', 'page', file), 'utf8'))
      .join('\n');
    expect(page).not.toContain('x-functions-key');
    expect(page).not.toContain("get('code')");
  });
});
