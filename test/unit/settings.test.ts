import { describe, expect, it } from 'vitest';
import {
  credentialsFingerprint,
  isValidTenantId,
  readCredentialExpiry,
  readExchangeCredentials,
  readInfrastructureSettings,
  secretValues,
} from '../../shared/settings';

const valid = {
  EXCHANGE_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  EXCHANGE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
  EXCHANGE_CLIENT_SECRET: 'Sup3r~Secret.Value',
};

describe('readExchangeCredentials', () => {
  it('returns typed credentials with the public-cloud defaults', () => {
    const result = readExchangeCredentials(valid);
    expect(result).toEqual({
      ok: true,
      value: {
        type: 'secret',
        tenantId: valid.EXCHANGE_TENANT_ID,
        clientId: valid.EXCHANGE_CLIENT_ID,
        clientSecret: valid.EXCHANGE_CLIENT_SECRET,
        authorityHost: 'https://login.microsoftonline.com',
        graphEndpoint: 'https://graph.microsoft.com',
      },
    });
  });

  it('names every missing setting', () => {
    const result = readExchangeCredentials({ EXCHANGE_CLIENT_ID: valid.EXCHANGE_CLIENT_ID });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.setting, p.kind])).toEqual([
      ['EXCHANGE_TENANT_ID', 'missing'],
      ['EXCHANGE_CLIENT_SECRET', 'missing'],
    ]);
    expect(result.problems[0]?.message).toBe('EXCHANGE_TENANT_ID (the Directory (tenant) ID) is not set');
  });

  it('rejects a malformed tenant id, client id and authority, never echoing the secret', () => {
    const result = readExchangeCredentials({
      ...valid,
      EXCHANGE_TENANT_ID: 'not a tenant!',
      EXCHANGE_CLIENT_ID: 'my-app',
      EXCHANGE_AUTHORITY_HOST: 'http://login.example',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.setting)).toEqual([
      'EXCHANGE_TENANT_ID',
      'EXCHANGE_CLIENT_ID',
      'EXCHANGE_AUTHORITY_HOST',
    ]);
    expect(JSON.stringify(result)).not.toContain(valid.EXCHANGE_CLIENT_SECRET);
  });

  it('never lets a malformed optional expiry date block the credentials; it is its own problem', () => {
    const env = { ...valid, EXCHANGE_CLIENT_SECRET_EXPIRES_ON: 'soon' };
    expect(readExchangeCredentials(env).ok).toBe(true);
    expect(readCredentialExpiry(env)).toEqual({
      ok: false,
      problems: [
        {
          setting: 'EXCHANGE_CLIENT_SECRET_EXPIRES_ON',
          kind: 'malformed',
          message:
            'EXCHANGE_CLIENT_SECRET_EXPIRES_ON is not a date (use ISO 8601, e.g. 2027-05-31); the value set (4 characters) is not shown, as it may be a secret pasted into the wrong setting',
        },
      ],
    });
    expect(readCredentialExpiry({ ...valid, EXCHANGE_CLIENT_SECRET_EXPIRES_ON: '2027-05-31' })).toEqual({
      ok: true,
      value: { credential: 'client secret', expiresOn: new Date('2027-05-31') },
    });
    expect(readCredentialExpiry(valid)).toEqual({ ok: true, value: undefined });
  });

  it('lists every secret value to redact, whether or not the settings are valid', () => {
    const secrets = secretValues({
      EXCHANGE_CLIENT_ID: 'not-a-guid',
      EXCHANGE_CLIENT_SECRET: ' s3cr3t+/= ',
      ServiceBusConnection: 'Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=sbkey==',
      TableStorageConnection: 'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=tablekey==;',
    });
    expect(secrets).toEqual([
      's3cr3t+/=',
      'Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=sbkey==',
      'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=tablekey==;',
      'sbkey==',
      'tablekey==',
    ]);
  });

  it.each([
    ['72f988bf-86f1-41af-91ab-2d7cd011db47', true],
    ['contoso.onmicrosoft.com', true],
    ['contoso.com', true],
    ['not a tenant!', false],
    ['a/b', false],
    ['', false],
    ['common', false],
    ['https://login.microsoftonline.com/contoso.com', false],
  ])('isValidTenantId(%j) is %s', (value, expected) => {
    expect(isValidTenantId(value)).toBe(expected);
  });

  it('fingerprints credentials without containing the secret, and changes when the secret does', () => {
    const first = readExchangeCredentials(valid);
    const second = readExchangeCredentials({ ...valid, EXCHANGE_CLIENT_SECRET: 'another' });
    if (!first.ok || !second.ok) throw new Error('expected valid credentials');
    const fingerprint = credentialsFingerprint(first.value);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint).not.toContain(valid.EXCHANGE_CLIENT_SECRET);
    expect(credentialsFingerprint(second.value)).not.toBe(fingerprint);
    expect(credentialsFingerprint(first.value)).toBe(fingerprint);
  });

  it.each([
    ['EXCHANGE_AUTHORITY_HOST', 'https://login.microsoftonline.us'],
    ['EXCHANGE_TENANT_ID', 'fabrikam.onmicrosoft.com'],
    ['EXCHANGE_CLIENT_ID', '99999999-2222-3333-4444-555555555555'],
    ['GRAPH_ENDPOINT', 'https://graph.microsoft.us'],
  ])(
    'gives another fingerprint when %s changes (it keys the token and Graph client caches)',
    (name, value) => {
      const first = readExchangeCredentials(valid);
      const second = readExchangeCredentials({ ...valid, [name]: value });
      if (!first.ok || !second.ok) throw new Error('expected valid credentials');
      expect(credentialsFingerprint(second.value)).not.toBe(credentialsFingerprint(first.value));
    },
  );
});

describe('readInfrastructureSettings', () => {
  it('accepts connection strings and applies defaults', () => {
    const result = readInfrastructureSettings({
      ServiceBusConnection: 'Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=b',
      TableStorageConnection: 'UseDevelopmentStorage=true',
    });
    expect(result.ok && result.value.appointmentQueue).toBe('appointment-changes');
    expect(result.ok && result.value.retryWindowDays).toBe(14);
  });

  it('accepts identity-based connections', () => {
    const result = readInfrastructureSettings({
      ServiceBusConnection__fullyQualifiedNamespace: 'sb-x.servicebus.windows.net',
      ServiceBusConnection__clientId: 'abc',
      TableStorageConnection__tableServiceUri: 'https://st.table.core.windows.net',
    });
    expect(result.ok && result.value.serviceBus).toEqual({
      kind: 'identity',
      endpoint: 'sb-x.servicebus.windows.net',
      managedIdentityClientId: 'abc',
    });
    expect(result.ok && result.value.tableStorage.kind).toBe('identity');
  });

  it('names missing connections and a malformed window and schedule', () => {
    const result = readInfrastructureSettings({
      RETRY_WINDOW_DAYS: 'two weeks',
      RETRY_SCHEDULE: '*/5 * * * *',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.setting)).toEqual([
      'ServiceBusConnection',
      'TableStorageConnection',
      'RETRY_WINDOW_DAYS',
      'RETRY_SCHEDULE',
    ]);
  });
});
