import { randomUUID } from 'node:crypto';
import { ConfidentialClientApplication, type Configuration, ServerError } from '@azure/msal-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../stand-ins/sandbox';

let sandbox: Sandbox;
let host: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  host = new URL(sandbox.authorityHost).host;
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(() => {
  sandbox.entra.reset();
});

interface Credentials {
  readonly tenant?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

/** The endpoints a client can be given so MSAL makes no discovery request, as the connector does. */
function authorityMetadata(authority: string): string {
  return JSON.stringify({
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    issuer: `${authority}/v2.0`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
  });
}

function application(credentials: Credentials = {}, discovery: 'none' | 'openid' = 'none') {
  const authority = `${sandbox.authorityHost}/${credentials.tenant ?? sandbox.tenant.tenantId}`;
  const auth: Configuration['auth'] = {
    clientId: credentials.clientId ?? sandbox.tenant.clientId,
    clientSecret: credentials.clientSecret ?? sandbox.tenant.clientSecret,
    authority,
    knownAuthorities: [host],
    ...(discovery === 'none' ? { authorityMetadata: authorityMetadata(authority) } : {}),
  };
  return new ConfidentialClientApplication({ auth });
}

async function acquire(app: ConfidentialClientApplication): Promise<string> {
  const result = await app.acquireTokenByClientCredential({ scopes: [`${sandbox.graphEndpoint}/.default`] });
  if (!result?.accessToken) throw new Error('no access token');
  return result.accessToken;
}

async function serverError(app: ConfidentialClientApplication): Promise<ServerError> {
  const error: unknown = await acquire(app).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ServerError)) throw new Error(`expected a ServerError, got ${String(error)}`);
  return error;
}

async function graphStatus(token: string): Promise<number> {
  const response = await fetch(`${sandbox.graphEndpoint}/v1.0/users/probe@${sandbox.tenant.domain}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.status;
}

function tokenForm(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: sandbox.tenant.clientId,
    scope: `${sandbox.graphEndpoint}/.default`,
    ...fields,
  });
}

describe('Entra ID sandbox: tokens through the real MSAL', () => {
  it('issues a token Graph accepts, without discovery when MSAL is given the endpoints', async () => {
    const token = await acquire(application());
    expect(await graphStatus(token)).toBe(200);
    expect(sandbox.entra.counters.discoveryRequests).toBe(0);
    expect(sandbox.entra.counters.tokenRequests).toBe(1);
    expect(sandbox.entra.counters.outcome('issued')).toBe(1);
  });

  it('answers the openid-configuration MSAL fetches for a non-Microsoft host, for tenant GUID and domain', async () => {
    expect(await graphStatus(await acquire(application({}, 'openid')))).toBe(200);
    expect(await graphStatus(await acquire(application({ tenant: sandbox.tenant.domain }, 'openid')))).toBe(
      200,
    );
    expect(sandbox.entra.counters.discoveryRequests).toBe(2);
  });

  it('answers instance discovery, whose answer MSAL accepts as cloudDiscoveryMetadata', async () => {
    const authority = `${sandbox.authorityHost}/${sandbox.tenant.tenantId}`;
    const response = await fetch(
      `${sandbox.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${authority}/oauth2/v2.0/authorize`)}`,
    );
    const cloudDiscoveryMetadata = await response.text();
    expect(JSON.parse(cloudDiscoveryMetadata)).toEqual({
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: sandbox.tenant.clientId,
        clientSecret: sandbox.tenant.clientSecret,
        authority,
        cloudDiscoveryMetadata,
        authorityMetadata: authorityMetadata(authority),
      },
    });
    expect(await graphStatus(await acquire(app))).toBe(200);
  });

  it('the openid-configuration points at the sandbox, with the tenant GUID even when asked by domain', async () => {
    const response = await fetch(
      `${sandbox.authorityHost}/${sandbox.tenant.domain}/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(200);
    const document = (await response.json()) as Record<string, unknown>;
    const base = `${sandbox.authorityHost}/${sandbox.tenant.tenantId}`;
    expect(document).toMatchObject({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      issuer: `${base}/v2.0`,
    });
  });
});

describe('Entra ID sandbox: rejections surface as MSAL ServerError with the AADSTS number', () => {
  it.each<[string, () => Credentials, string, number, number]>([
    [
      'expired secret',
      () => {
        const secret = sandbox.entra.addSecret();
        sandbox.entra.expireSecret(secret);
        return { clientSecret: secret };
      },
      'invalid_client',
      7000222,
      401,
    ],
    ['wrong secret', () => ({ clientSecret: `wrong-${randomUUID()}` }), 'invalid_client', 7000215, 401],
    ['unknown client id', () => ({ clientId: randomUUID() }), 'unauthorized_client', 700016, 400],
    ['unknown tenant GUID', () => ({ tenant: randomUUID() }), 'invalid_tenant', 90002, 400],
    ['unknown tenant domain', () => ({ tenant: 'fabrikam.example' }), 'invalid_tenant', 90002, 400],
    ['malformed tenant', () => ({ tenant: 'not a tenant!' }), 'invalid_request', 900023, 400],
    [
      'disabled application',
      () => {
        const app = sandbox.entra.registerApp('Disabled app');
        sandbox.entra.setAppDisabled(true, app.clientId);
        return app;
      },
      'unauthorized_client',
      7000112,
      400,
    ],
  ])('%s → %s AADSTS%d (HTTP %d)', async (_name, credentials, errorCode, errorNo, status) => {
    const error = await serverError(application(credentials()));
    expect(error.errorCode).toBe(errorCode);
    expect(Number(error.errorNo)).toBe(errorNo);
    expect(error.status).toBe(status);
    expect(error.errorMessage).toContain(`AADSTS${errorNo}: `);
  });

  it('names the client id in the expired-secret message, as the seed requires', async () => {
    const secret = sandbox.entra.addSecret();
    sandbox.entra.expireSecret(secret);
    const error = await serverError(application({ clientSecret: secret }));
    expect(error.errorMessage).toContain(sandbox.tenant.clientId);
  });

  it("answers with Entra's error body: description lines, codes, ids and error_uri", async () => {
    const response = await fetch(`${sandbox.authorityHost}/${sandbox.tenant.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
      body: tokenForm({ client_secret: 'wrong' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        'correlation_id',
        'error',
        'error_codes',
        'error_description',
        'error_uri',
        'timestamp',
        'trace_id',
      ].sort(),
    );
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([7000215]);
    expect(body.correlation_id).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body.error_description).toMatch(
      /^AADSTS7000215: .+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: c0ffee00-0000-4000-8000-000000000001\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    expect(body.error_uri).toBe(`${sandbox.authorityHost}/error?code=7000215`);
  });

  it.each<[string, Record<string, string>, number, string, number]>([
    ['no client_secret or client_assertion', {}, 401, 'invalid_client', 7000218],
    [
      'a grant type other than client_credentials',
      { grant_type: 'password' },
      400,
      'unsupported_grant_type',
      70003,
    ],
  ])('%s → %d %s AADSTS%d', async (_name, fields, status, error, aadsts) => {
    const response = await fetch(`${sandbox.authorityHost}/${sandbox.tenant.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: tokenForm(fields),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error, error_codes: [aadsts] });
  });

  it('checks the scope once the client is authenticated', async () => {
    const answer = async (scope: string) => {
      const response = await fetch(`${sandbox.authorityHost}/${sandbox.tenant.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: tokenForm({ client_secret: sandbox.tenant.clientSecret, scope }),
      });
      return [response.status, ((await response.json()) as { error_codes?: number[] }).error_codes?.[0]];
    };
    expect(await answer('Calendars.ReadWrite')).toEqual([400, 1002012]);
    expect(await answer('https://unknown.example/.default')).toEqual([400, 500011]);
    expect(await answer('https://graph.microsoft.com/.default')).toEqual([200, undefined]);
  });

  it('rotating the secret (the administrator fixing it) makes the old one fail and the new one work', async () => {
    const oldSecret = sandbox.tenant.clientSecret;
    sandbox.entra.expireSecret(oldSecret);
    expect(Number((await serverError(application())).errorNo)).toBe(7000222);
    const newSecret = sandbox.entra.rotateSecret();
    expect(Number((await serverError(application({ clientSecret: oldSecret }))).errorNo)).toBe(7000215);
    expect(await graphStatus(await acquire(application({ clientSecret: newSecret })))).toBe(200);
    sandbox.entra.reset();
    expect(await graphStatus(await acquire(application({ clientSecret: oldSecret })))).toBe(200);
  });
});

describe('Entra ID sandbox: failure scenarios and counters', () => {
  it('503 with Retry-After for the next request only; MSAL then holds back that client itself', async () => {
    sandbox.entra.fail('unavailable', { times: 1, retryAfterSeconds: 7 });
    const app = application({ clientSecret: sandbox.entra.addSecret() });
    const error = await serverError(app);
    expect(error.status).toBe(503);
    expect(error.errorCode).toBe('temporarily_unavailable');
    expect(Number(error.errorNo)).toBe(90033);
    expect(sandbox.entra.counters.tokenRequests).toBe(1);
    await expect(acquire(app)).rejects.toBeInstanceOf(ServerError);
    expect(sandbox.entra.counters.tokenRequests).toBe(1);
    expect(await graphStatus(await acquire(application({ clientSecret: sandbox.entra.addSecret() })))).toBe(
      200,
    );
    expect(sandbox.entra.counters.outcome('unavailable')).toBe(1);
    expect(sandbox.entra.counters.outcome('issued')).toBe(1);
  });

  it.each<['throttled' | 'serverError', number, string]>([
    ['throttled', 429, 'temporarily_unavailable'],
    ['serverError', 500, 'server_error'],
  ])('%s answers %d with Retry-After until cleared', async (kind, status, error) => {
    sandbox.entra.fail(kind, { retryAfterSeconds: 3 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(`${sandbox.authorityHost}/${sandbox.tenant.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: tokenForm({ client_secret: sandbox.tenant.clientSecret }),
      });
      expect(response.status).toBe(status);
      expect(response.headers.get('retry-after')).toBe('3');
      expect(await response.json()).toMatchObject({ error });
    }
    sandbox.entra.clearFailures();
    expect(await graphStatus(await acquire(application()))).toBe(200);
    expect(sandbox.entra.counters.outcome(kind)).toBe(2);
  });

  it('answers with a recorded status, headers and body as they were, for the next request only', async () => {
    const body = '<html><body>504 Gateway Time-out</body></html>';
    sandbox.entra.answerWith(
      { status: 504, headers: { 'Content-Type': 'text/html', 'Retry-After': '4' }, body },
      { times: 1 },
    );
    const url = `${sandbox.authorityHost}/${sandbox.tenant.tenantId}/oauth2/v2.0/token`;
    const form = tokenForm({ client_secret: sandbox.tenant.clientSecret });
    const response = await fetch(url, { method: 'POST', body: form });
    expect([
      response.status,
      response.headers.get('content-type'),
      response.headers.get('retry-after'),
    ]).toEqual([504, 'text/html', '4']);
    expect(await response.text()).toBe(body);
    expect((await fetch(url, { method: 'POST', body: form })).status).toBe(200);
    expect(sandbox.entra.counters.outcome('recorded')).toBe(1);
  });

  it('hang: no answer until the client gives up; cleared, a held request gets its answer', async () => {
    sandbox.entra.fail('hang');
    const url = `${sandbox.authorityHost}/${sandbox.tenant.tenantId}/oauth2/v2.0/token`;
    const body = tokenForm({ client_secret: sandbox.tenant.clientSecret });
    await expect(fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    const held = fetch(url, { method: 'POST', body });
    await expect.poll(() => sandbox.entra.counters.outcome('hang'), { timeout: 2000 }).toBe(2);
    sandbox.entra.clearFailures();
    expect((await held).status).toBe(200);
    expect(sandbox.entra.counters.tokenRequests).toBe(2);
  });
});
