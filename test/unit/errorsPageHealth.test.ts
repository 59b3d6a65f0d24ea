import { describe, expect, it } from 'vitest';
import { TokenEndpointError } from '../../shared/domain/failures';
import { type HealthProbes, runHealthChecks } from '../../shared/http/healthChecks';
import { credentialAlerts } from '../../shared/http/page/credentialAlerts';
import { assessSecretExpiry } from '../../shared/http/secretExpiry';
import { readCredentialExpiry, readExchangeCredentials } from '../../shared/settings';

const now = new Date('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const env = {
  EXCHANGE_TENANT_ID: 'contoso.onmicrosoft.com',
  EXCHANGE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
  EXCHANGE_CLIENT_SECRET: 'super-secret-value',
};

function probes(overrides: Partial<HealthProbes> = {}, settings: Record<string, string> = {}): HealthProbes {
  return {
    readTable: async () => undefined,
    peekQueue: async () => [],
    acquireToken: async () => 'token',
    readCredentials: () => readExchangeCredentials({ ...env, ...settings }),
    readCredentialExpiry: () => readCredentialExpiry({ ...env, ...settings }),
    now: () => now,
    ...overrides,
  };
}

describe('secret expiry', () => {
  it('is valid until 30 days before, expiring then, expired from the date on', () => {
    expect(assessSecretExpiry(new Date(now.getTime() + 31 * DAY), now).state).toBe('valid');
    expect(assessSecretExpiry(new Date(now.getTime() + 30 * DAY), now)).toMatchObject({
      state: 'expiring',
      daysLeft: 30,
    });
    expect(assessSecretExpiry(new Date(now.getTime() + DAY / 2), now)).toMatchObject({
      state: 'expiring',
      daysLeft: 0,
    });
    expect(assessSecretExpiry(now, now).state).toBe('expired');
  });
});

describe('health checks', () => {
  it('is healthy when every dependency answers', async () => {
    const report = await runHealthChecks(probes());
    expect(report.status).toBe('healthy');
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['tableStorage', 'healthy'],
      ['serviceBus', 'healthy'],
      ['token', 'healthy'],
    ]);
  });

  it('classifies a rejected token request into the code that blocks syncing', async () => {
    const rejected = new TokenEndpointError('AADSTS7000215: Invalid client secret provided.', {
      aadsts: 7000215,
      oauthError: 'invalid_client',
      httpStatus: 401,
    });
    const report = await runHealthChecks(probes({ acquireToken: () => Promise.reject(rejected) }));
    expect(report.status).toBe('unhealthy');
    expect(report.checks.find((c) => c.name === 'token')).toMatchObject({
      status: 'unhealthy',
      code: 'DSEX002',
    });
  });

  it('is only degraded while Microsoft Entra ID is transiently unavailable', async () => {
    const transient = new TokenEndpointError('no answer', { transport: 'timeout' });
    const report = await runHealthChecks(probes({ acquireToken: () => Promise.reject(transient) }));
    expect(report.status).toBe('degraded');
    expect(report.checks.find((c) => c.name === 'token')?.code).toBe('DSEX041');
  });

  it('reports unusable settings without calling Microsoft Entra ID', async () => {
    let calls = 0;
    const report = await runHealthChecks(
      probes({ acquireToken: async () => calls++ }, { EXCHANGE_TENANT_ID: 'not a tenant!' }),
    );
    expect(calls).toBe(0);
    expect(report.status).toBe('unhealthy');
    expect(report.checks.find((c) => c.name === 'token')?.message).toContain('EXCHANGE_TENANT_ID');
  });

  it('is unhealthy when Table Storage or Service Bus fails, naming which', async () => {
    const report = await runHealthChecks(
      probes({ readTable: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) }),
    );
    expect(report.status).toBe('unhealthy');
    expect(report.checks.find((c) => c.name === 'tableStorage')).toMatchObject({
      status: 'unhealthy',
      message: 'Table Storage failed: connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(report.checks.find((c) => c.name === 'serviceBus')?.status).toBe('healthy');
  });

  it('warns 30 days before the secret expires and fails with DSEX001 once it has', async () => {
    const expiring = await runHealthChecks(
      probes({}, { EXCHANGE_CLIENT_SECRET_EXPIRES_ON: new Date(now.getTime() + 12 * DAY).toISOString() }),
    );
    expect(expiring.status).toBe('degraded');
    expect(expiring.checks.find((c) => c.name === 'secretExpiry')).toMatchObject({
      status: 'degraded',
      daysLeft: 12,
    });
    const expired = await runHealthChecks(probes({}, { EXCHANGE_CLIENT_SECRET_EXPIRES_ON: '2026-11-01' }));
    expect(expired.status).toBe('unhealthy');
    expect(expired.checks.find((c) => c.name === 'secretExpiry')).toMatchObject({
      status: 'unhealthy',
      code: 'DSEX001',
    });
  });
});

describe('credential banner', () => {
  it('lists credential failures of the window and an expiring secret, nothing else', () => {
    const expiry = assessSecretExpiry(new Date(now.getTime() + 5 * DAY), now);
    const alerts = credentialAlerts({ DSEX002: 3, DSEX012: 7, DSEX041: 1 }, 14, expiry);
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toContain('DSEX002 Invalid client secret: 3 failures');
    expect(alerts[1]).toContain('expires in 5 days');
    expect(
      credentialAlerts({ DSEX012: 7 }, 14, assessSecretExpiry(new Date(now.getTime() + 90 * DAY), now)),
    ).toEqual([]);
  });
});
