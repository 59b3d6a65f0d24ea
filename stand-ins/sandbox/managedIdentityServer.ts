import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './http';
import type { IssuerKeys } from './issuerKeys';
import type { Pauses } from './pauses';
import { type RecordedAnswer, sendRecorded } from './recordedAnswer';
import { Scenarios } from './scenarios';

export interface ManagedIdentity {
  readonly clientId: string;
  /** The Object (principal) ID: the `sub` of its tokens, and so the federated credential's subject. */
  readonly principalId: string;
}

/** The endpoint failing as a whole: 503 answers, no answer at all, or an answer recorded from Azure. */
export type ManagedIdentityFailure = 'unavailable' | 'hang' | { readonly recorded: RecordedAnswer };

export interface ManagedIdentityState {
  readonly identities: Map<string, ManagedIdentity>;
  readonly failures: Scenarios<ManagedIdentityFailure>;
  readonly issued: string[];
  readonly header: string;
  readonly keys: IssuerKeys;
  readonly pauses: Pauses;
  /** The `iss` of the tokens: the sandbox tenant's issuer, known once Entra ID listens. */
  issuer: string;
  tenantId: string;
  requests: number;
}

/** App Service's managed identity tokens last about a day. */
const TOKEN_LIFETIME_SECONDS = 24 * 3600;
/** The one key the endpoint's scenarios are stored under. */
export const MANAGED_IDENTITY_FAILURES = 'endpoint';

export function newManagedIdentity(): ManagedIdentity {
  return { clientId: randomUUID(), principalId: randomUUID() };
}

export function newManagedIdentityState(keys: IssuerKeys, pauses: Pauses): ManagedIdentityState {
  const identity = newManagedIdentity();
  return {
    identities: new Map([[identity.clientId, identity]]),
    failures: new Scenarios(),
    issued: [],
    header: randomBytes(24).toString('base64url'),
    keys,
    pauses,
    issuer: '',
    tenantId: '',
    requests: 0,
  };
}

/** GET /msi/token?api-version=2019-08-01&resource=…&client_id=… with X-IDENTITY-HEADER, as App Service answers it. */
async function answer(state: ManagedIdentityState, request: IncomingMessage, response: ServerResponse) {
  state.requests++;
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname !== '/msi/token')
    return sendJson(response, 404, { statusCode: 404, message: 'Not found' });
  if (request.headers['x-identity-header'] !== state.header)
    return sendJson(response, 401, {
      statusCode: 401,
      message: 'The X-IDENTITY-HEADER is missing or invalid.',
    });
  const failure = state.failures.take(MANAGED_IDENTITY_FAILURES);
  if (failure === 'hang') await state.pauses.hold();
  if (typeof failure === 'object') return sendRecorded(response, failure.recorded);
  if (failure === 'unavailable')
    return sendJson(response, 503, {
      statusCode: 503,
      message: 'The managed identity service is unavailable.',
    });
  const identity = state.identities.get(url.searchParams.get('client_id') ?? '');
  const resource = url.searchParams.get('resource');
  if (!identity || !resource) {
    const correlationId = randomUUID();
    return sendJson(response, 400, {
      statusCode: 400,
      message: 'Unable to load the proper Managed Identity.',
      correlationId,
    });
  }
  const now = Math.floor(Date.now() / 1000);
  const expiresOn = now + TOKEN_LIFETIME_SECONDS;
  const token = state.keys.sign({
    aud: resource,
    iss: state.issuer,
    sub: identity.principalId,
    oid: identity.principalId,
    azp: identity.clientId,
    appid: identity.clientId,
    tid: state.tenantId,
    iat: now,
    nbf: now,
    exp: expiresOn,
    ver: '2.0',
  });
  state.issued.push(token);
  sendJson(response, 200, {
    access_token: token,
    expires_on: String(expiresOn),
    resource,
    token_type: 'Bearer',
    client_id: identity.clientId,
  });
}

/** App Service's local managed identity endpoint (IDENTITY_ENDPOINT, plain HTTP on loopback, as in Azure). */
export function listenManagedIdentity(
  state: ManagedIdentityState,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    answer(state, request, response).catch(() => response.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://127.0.0.1:${port}/msi/token`,
        close: () =>
          new Promise<void>((closed) => {
            server.close(() => closed());
            server.closeAllConnections();
          }),
      });
    });
  });
}
