import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EntraTokenProvider } from '../../shared/adapters/entraTokenProvider';
import { classifyFailure } from '../../shared/domain/classifyFailure';
import { credentialFailure } from '../../shared/domain/credentialFailure';
import type { DiagnosedFailure } from '../../shared/domain/failures';
import { runHealthChecks } from '../../shared/http/healthChecks';
import {
  type Environment,
  readCredentialExpiry,
  readExchangeCredentials,
  secretValues,
} from '../../shared/settings';
import { type Sandbox, startSandbox } from '../../stand-ins/sandbox';
import { federatedIdentity, registeredCertificate, tenantSettings } from '../support/secretlessSandbox';

let sandbox: Sandbox;
let directory: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  directory = mkdtempSync(join(tmpdir(), 'client-certificate-'));
  Object.assign(process.env, sandbox.managedIdentity.environment);
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(() => {
  sandbox.entra.reset();
  sandbox.managedIdentity.reset();
});

/** A token with a fresh provider (no cached token), or the diagnosed failure. */
async function attempt(settings: Environment): Promise<{ token: string } | { failure: DiagnosedFailure }> {
  const credentials = readExchangeCredentials({ ...tenantSettings(sandbox), ...settings });
  if (!credentials.ok) return { failure: credentialFailure(credentials.problems) };
  const { clientId, tenantId } = credentials.value;
  return new EntraTokenProvider({ requestTimeoutMs: 3000 }).acquireToken(credentials.value).then(
    (token) => ({ token }),
    (error: unknown) => ({ failure: classifyFailure(error, { clientId, tenantId }) }),
  );
}

async function failure(settings: Environment): Promise<DiagnosedFailure> {
  const result = await attempt(settings);
  if ('token' in result) throw new Error('a token was issued');
  return result.failure;
}

describe('certificate credentials', () => {
  it('get a token with the certificate as PEM, as a base64 PFX, and from PEM and protected PFX files', async () => {
    const { certificate, settings } = registeredCertificate(sandbox);
    const pemFile = join(directory, 'client.pem');
    const pfxFile = join(directory, 'client.pfx');
    writeFileSync(pemFile, certificate.pem);
    writeFileSync(pfxFile, certificate.pfxWithPassword('local-password'));
    const issued = sandbox.entra.counters.outcome('issued');
    for (const variant of [
      settings,
      { EXCHANGE_CREDENTIAL_TYPE: 'certificate', EXCHANGE_CLIENT_CERTIFICATE: certificate.pfxBase64 },
      { EXCHANGE_CREDENTIAL_TYPE: 'certificate', EXCHANGE_CLIENT_CERTIFICATE_PATH: pemFile },
      {
        EXCHANGE_CREDENTIAL_TYPE: 'certificate',
        EXCHANGE_CLIENT_CERTIFICATE_PATH: pfxFile,
        EXCHANGE_CLIENT_CERTIFICATE_PASSWORD: 'local-password',
      },
    ]) {
      expect(await attempt(variant)).toHaveProperty('token');
    }
    expect(sandbox.entra.counters.outcome('issued') - issued).toBe(4);
  });

  it('authenticates by subject name and issuer only when it sends the chain (x5c)', async () => {
    const certificate = sandbox.entra.newCertificate({ commonName: 'exchange-sni' });
    sandbox.entra.trustSubject('CN=exchange-sni');
    const settings = {
      EXCHANGE_CREDENTIAL_TYPE: 'certificate',
      EXCHANGE_CLIENT_CERTIFICATE: certificate.pem,
    };
    expect((await failure(settings)).code).toBe('DSEX007');
    expect(await attempt({ ...settings, EXCHANGE_CLIENT_CERTIFICATE_SEND_X5C: 'true' })).toHaveProperty(
      'token',
    );
  });

  it('diagnoses an unregistered certificate, an expired one and a clock skew', async () => {
    const unregistered = sandbox.entra.newCertificate();
    const notRegistered = await failure({
      EXCHANGE_CREDENTIAL_TYPE: 'certificate',
      EXCHANGE_CLIENT_CERTIFICATE: unregistered.pem,
    });
    expect(notRegistered.code).toBe('DSEX007');
    expect(notRegistered.message).toContain(`thumbprint ${unregistered.thumbprintSha256}`);
    expect(notRegistered.message).toContain('is not registered');

    const { certificate, settings } = registeredCertificate(sandbox);
    sandbox.entra.setClockSkew(3600);
    const skewed = await failure(settings);
    expect(skewed.code).toBe('DSEX008');
    expect(skewed.message).toMatch(/Current time: .+, assertion valid from .+, expiry time of assertion/);
    sandbox.entra.setClockSkew(0);

    sandbox.entra.expireCertificate(certificate.thumbprintSha256);
    const expired = await failure(settings);
    expect(expired.code).toBe('DSEX007');
    expect(expired.message).toContain('has expired');
  });

  it('names the setting of a missing or unusable certificate (DSEX006), never showing the key', async () => {
    const missing = await failure({ EXCHANGE_CREDENTIAL_TYPE: 'certificate' });
    expect(missing.code).toBe('DSEX006');
    expect(missing.message).toContain('EXCHANGE_CLIENT_CERTIFICATE');
    const { certificate } = registeredCertificate(sandbox);
    const cases = [
      [{ EXCHANGE_CLIENT_CERTIFICATE: certificate.certificatePem }, 'not its private key'],
      [{ EXCHANGE_CLIENT_CERTIFICATE: certificate.privateKeyPem }, 'holds no certificate'],
      [{ EXCHANGE_CLIENT_CERTIFICATE_PATH: join(directory, 'absent.pfx') }, 'cannot be read (ENOENT)'],
      [
        {
          EXCHANGE_CLIENT_CERTIFICATE: certificate.pfxWithPassword('right').toString('base64'),
          EXCHANGE_CLIENT_CERTIFICATE_PASSWORD: 'wrong',
        },
        'does not open',
      ],
    ] as const;
    for (const [settings, words] of cases) {
      const diagnosed = await failure({ EXCHANGE_CREDENTIAL_TYPE: 'certificate', ...settings });
      expect(diagnosed.code).toBe('DSEX006');
      expect(diagnosed.message).toContain(words);
      expect(diagnosed.message).not.toContain('PRIVATE KEY');
    }
    expect(
      (
        await failure({
          EXCHANGE_CREDENTIAL_TYPE: 'certifcate',
          EXCHANGE_CLIENT_CERTIFICATE: certificate.pem,
        })
      ).message,
    ).toContain('EXCHANGE_CREDENTIAL_TYPE must be secret, certificate or managedIdentity');
  });

  it('lists the private key among the values to redact, also when it came inside a PFX', () => {
    const { certificate } = registeredCertificate(sandbox);
    const secrets = secretValues({ EXCHANGE_CLIENT_CERTIFICATE: certificate.pfxBase64 });
    const keyLines = certificate.privateKeyPem
      .split('\n')
      .filter((line) => line && !line.startsWith('-----'));
    expect(secrets).toContain(certificate.pfxBase64);
    for (const line of keyLines.slice(0, 3)) expect(secrets).toContain(line);
  });
});

describe('federated managed identity credentials', () => {
  it('get a token with the managed identity token as assertion, asking the identity endpoint once', async () => {
    const identity = federatedIdentity(sandbox);
    const credentials = readExchangeCredentials({ ...tenantSettings(sandbox), ...identity.settings });
    if (!credentials.ok) throw new Error('credentials expected');
    const provider = new EntraTokenProvider();
    const before = sandbox.managedIdentity.requests;
    for (let i = 0; i < 3; i++) expect(await provider.acquireToken(credentials.value)).toBeTruthy();
    expect(sandbox.managedIdentity.requests - before).toBe(1);
    const assertion = sandbox.managedIdentity.issuedTokens.at(-1) ?? '';
    expect(provider.assertionsInUse()).toEqual([assertion]);
  });

  it('names the portal field that does not match, and a federated credential missing altogether', async () => {
    const identity = federatedIdentity(sandbox);
    const cases = [
      [{ subject: 'not-this-identity' }, /Subject identifier does not match the token's '[0-9a-f-]{36}'/],
      [{ subject: identity.principalId, issuer: 'https://sts.example/other/v2.0' }, /Issuer does not match/],
      [
        { subject: identity.principalId, audiences: ['api://AzureADTokenExchangeUSGov'] },
        /Audience does not match the token's 'api:\/\/AzureADTokenExchange'/,
      ],
    ] as const;
    for (const [credential, words] of cases) {
      sandbox.entra.removeFederatedCredentials();
      sandbox.entra.addFederatedCredential(credential);
      const diagnosed = await failure(identity.settings);
      expect(diagnosed.code).toBe('DSEX009');
      expect(diagnosed.message).toMatch(words);
    }
    sandbox.entra.removeFederatedCredentials();
    const none = await failure(identity.settings);
    expect(none.code).toBe('DSEX009');
    expect(none.message).toContain(`Subject '${identity.principalId}'`);
  });

  it('diagnoses an identity that is not assigned (DSEX060) and an endpoint that is down (DSEX042)', async () => {
    const identity = federatedIdentity(sandbox);
    sandbox.managedIdentity.unassign(identity.clientId);
    const unassigned = await failure(identity.settings);
    expect(unassigned.code).toBe('DSEX060');
    expect(unassigned.message).toContain('Unable to load the proper Managed Identity.');
    sandbox.managedIdentity.assign(identity);
    sandbox.managedIdentity.fail('unavailable');
    const down = await failure(identity.settings);
    expect(down.code).toBe('DSEX042');
    expect(down.message).toMatch(/^Transient error from the managed identity endpoint: .*503/);
    sandbox.managedIdentity.clearFailures();
    expect(await attempt(identity.settings)).toHaveProperty('token');
  });

  it('diagnoses an assertion Entra judges expired (clock skew, DSEX008)', async () => {
    const identity = federatedIdentity(sandbox);
    sandbox.entra.setClockSkew(25 * 3600);
    expect((await failure(identity.settings)).code).toBe('DSEX008');
  });

  it('needs the managed identity client id (DSEX006) and picks the audience of the cloud', async () => {
    const missing = await failure({ EXCHANGE_CREDENTIAL_TYPE: 'managedIdentity' });
    expect(missing.code).toBe('DSEX006');
    expect(missing.message).toContain('EXCHANGE_MANAGED_IDENTITY_CLIENT_ID');
    const audience = (authority: string) => {
      const read = readExchangeCredentials({
        ...tenantSettings(sandbox),
        EXCHANGE_AUTHORITY_HOST: authority,
        EXCHANGE_CREDENTIAL_TYPE: 'managedIdentity',
        EXCHANGE_MANAGED_IDENTITY_CLIENT_ID: sandbox.managedIdentity.identity.clientId,
      });
      return read.ok && read.value.type === 'managedIdentity' ? read.value.audience : undefined;
    };
    expect(audience('https://login.microsoftonline.com')).toBe('api://AzureADTokenExchange');
    expect(audience('https://login.microsoftonline.us')).toBe('api://AzureADTokenExchangeUSGov');
    expect(audience('https://login.chinacloudapi.cn')).toBe('api://AzureADTokenExchangeChina');
  });
});

describe('the health check of a certificate', () => {
  const report = (pem: string) =>
    runHealthChecks({
      readTable: async () => undefined,
      peekQueue: async () => [],
      acquireToken: async () => 'token',
      readCredentials: () =>
        readExchangeCredentials({
          ...tenantSettings(sandbox),
          EXCHANGE_CREDENTIAL_TYPE: 'certificate',
          EXCHANGE_CLIENT_CERTIFICATE: pem,
        }),
      readCredentialExpiry: () =>
        readCredentialExpiry({
          ...tenantSettings(sandbox),
          EXCHANGE_CREDENTIAL_TYPE: 'certificate',
          EXCHANGE_CLIENT_CERTIFICATE: pem,
        }),
      now: () => new Date(),
    });

  it('reads the expiry from the certificate and warns 30 days ahead; an expired one is DSEX007', async () => {
    const valid = await report(sandbox.entra.newCertificate({ validDays: 200 }).pem);
    expect(valid.checks.find((c) => c.name === 'secretExpiry')).toMatchObject({ status: 'healthy' });
    const expiring = await report(sandbox.entra.newCertificate({ validDays: 10 }).pem);
    const warning = expiring.checks.find((c) => c.name === 'secretExpiry');
    expect(warning).toMatchObject({ status: 'degraded', daysLeft: 9 });
    expect(warning?.message).toMatch(/^The client certificate expires in 9 days .*renew it/);
    const expired = await report(sandbox.entra.newCertificate({ validDays: -1 }).pem);
    expect(expired.checks.find((c) => c.name === 'secretExpiry')).toMatchObject({
      status: 'unhealthy',
      code: 'DSEX007',
    });
  });
});
