import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../stand-ins/sandbox';
import { ensureCertificateAuthority, serverCertificate } from '../../stand-ins/sandbox/certificates';

const scratch = mkdtempSync(join(tmpdir(), 'sandbox-ca-'));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function withExtraCaCerts<T>(value: string | undefined, work: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  if (value === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
  else process.env.NODE_EXTRA_CA_CERTS = value;
  return work().finally(() => {
    if (previous === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = previous;
  });
}

describe('sandbox certificates', () => {
  it('creates a CA once and reuses it; the bundle keeps the CA file the user already trusted', async () => {
    const dir = join(scratch, 'ca');
    const corporate = join(scratch, 'corporate.pem');
    writeFileSync(corporate, '-----BEGIN CERTIFICATE-----\nCORPORATE\n-----END CERTIFICATE-----\n');
    const first = await withExtraCaCerts(corporate, () => ensureCertificateAuthority(dir));
    const caPem = readFileSync(first.caCertPath, 'utf8');
    const ca = new X509Certificate(caPem);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(readFileSync(first.bundlePath, 'utf8')).toBe(
      `${caPem.trimEnd()}\n${readFileSync(corporate, 'utf8')}`,
    );

    const second = await withExtraCaCerts(undefined, () => ensureCertificateAuthority(dir));
    expect(second).toEqual(first);
    expect(readFileSync(second.caCertPath, 'utf8')).toBe(caPem);
    expect(readFileSync(second.bundlePath, 'utf8')).toBe(caPem);
  });

  it('leaves the bundle alone when it is the file already trusted (a test worker)', async () => {
    const dir = join(scratch, 'worker');
    const corporate = join(scratch, 'corporate-2.pem');
    writeFileSync(corporate, '-----BEGIN CERTIFICATE-----\nPROXY\n-----END CERTIFICATE-----\n');
    const ca = await withExtraCaCerts(corporate, () => ensureCertificateAuthority(dir));
    const bundle = readFileSync(ca.bundlePath, 'utf8');
    await withExtraCaCerts(ca.bundlePath, () => ensureCertificateAuthority(dir));
    expect(readFileSync(ca.bundlePath, 'utf8')).toBe(bundle);
    expect(bundle).toContain('PROXY');
  });

  it('signs a server certificate for localhost and 127.0.0.1, reused while the CA is current', async () => {
    const ca = await ensureCertificateAuthority(join(scratch, 'ca'));
    const issued = serverCertificate(ca);
    const leaf = new X509Certificate(issued.cert);
    expect(leaf.verify(new X509Certificate(readFileSync(ca.caCertPath)).publicKey)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.ca).toBe(false);
    expect(serverCertificate(ca)).toEqual(issued);
  });
});

describe('sandbox lifecycle', () => {
  // How fast it starts is a benchmark figure (bench/standInSpeeds.ts), not a test.
  it('starts on free loopback ports with a demo tenant, trusted through NODE_EXTRA_CA_CERTS', async () => {
    const sandbox = await startSandbox();
    try {
      expect(sandbox.authorityHost).toMatch(/^https:\/\/localhost:\d+$/);
      expect(sandbox.graphEndpoint).toMatch(/^https:\/\/localhost:\d+$/);
      expect(sandbox.tenant.tenantId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      const response = await fetch(
        `${sandbox.authorityHost}/${sandbox.tenant.domain}/v2.0/.well-known/openid-configuration`,
      );
      expect(response.status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  });

  it('stop() ends hung token requests and pending latency, closes the ports and leaves no timer', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const sandbox = await startSandbox({ latencyMs: 60_000 });
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sandbox.tenant.clientId,
      client_secret: sandbox.tenant.clientSecret,
      scope: `${sandbox.graphEndpoint}/.default`,
    });
    const tokenUrl = `${sandbox.authorityHost}/${sandbox.tenant.tenantId}/oauth2/v2.0/token`;
    const { access_token: token } = (await (
      await fetch(tokenUrl, { method: 'POST', body: form })
    ).json()) as {
      access_token: string;
    };
    sandbox.entra.fail('hang');
    const hung = fetch(tokenUrl, { method: 'POST', body: form });
    const slow = fetch(`${sandbox.graphEndpoint}/v1.0/users/room@${sandbox.tenant.domain}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await expect
      .poll(() => sandbox.graph.counters.requests(`room@${sandbox.tenant.domain}`), { timeout: 2000 })
      .toBe(1);
    await expect.poll(() => sandbox.entra.counters.outcome('hang'), { timeout: 2000 }).toBe(1);

    const outcomes = Promise.all(
      [hung, slow].map((request) =>
        request.then(
          () => 'answered',
          () => 'failed',
        ),
      ),
    );
    await sandbox.stop();
    expect(await outcomes).toEqual(['failed', 'failed']);
    await expect(fetch(tokenUrl, { method: 'POST', body: form })).rejects.toThrow();
    const timersAfter = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    expect(timersAfter).toBeLessThanOrEqual(timersBefore);
  });
});
