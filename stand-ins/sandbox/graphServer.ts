import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { executeBatch } from './graphBatch';
import { type GraphError, graphErrorBody, graphErrors } from './graphErrors';
import { executeGraphCall, logRefused } from './graphRoutes';
import type { GraphReply, GraphState } from './graphState';
import { BodyTooLargeError, readBody, sendJson } from './http';
import type { RequestHandler } from './httpsServer';
import { sendRecorded } from './recordedAnswer';
import type { TokenGrant } from './tokens';

const VERSIONS = new Set(['v1.0', 'beta']);
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const ODATA_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

interface RequestIds {
  readonly requestId: string;
  readonly clientRequestId: string;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function authenticate(state: GraphState, request: IncomingMessage): TokenGrant | GraphError {
  const authorization = header(request, 'authorization');
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  if (!match?.[1]) return graphErrors.noToken();
  const grant = state.tokens.verify(match[1]);
  if (grant === 'expired') return graphErrors.expiredToken();
  return grant ?? graphErrors.malformedToken();
}

function parseJson(text: string): { value: unknown } | GraphError {
  if (text.trim() === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return graphErrors.badRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}

function write(response: ServerResponse, reply: GraphReply, ids: RequestIds): void {
  const idHeaders = { 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
  if (reply.kind === 'reset') {
    response.socket?.destroy();
    return;
  }
  if (reply.kind === 'recorded') {
    sendRecorded(response, reply.answer, idHeaders);
    return;
  }
  if (reply.kind === 'ok') {
    sendJson(response, reply.status, reply.body, {
      ...idHeaders,
      ...(reply.body === undefined ? {} : { 'Content-Type': ODATA_JSON }),
    });
    return;
  }
  const { retryAfterSeconds } = reply.error;
  sendJson(response, reply.error.status, graphErrorBody(reply.error, ids.requestId, ids.clientRequestId), {
    ...idHeaders,
    'Content-Type': 'application/json',
    ...(retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {}),
  });
}

async function reply(state: GraphState, request: IncomingMessage, ids: RequestIds): Promise<GraphReply> {
  const url = new URL(request.url ?? '/', 'https://localhost');
  const [version = '', ...rest] = url.pathname.split('/').filter(Boolean);
  if (!VERSIONS.has(version))
    return { kind: 'error', error: graphErrors.badRequest(`Invalid version: ${version}`) };
  const method = (request.method ?? 'GET').toUpperCase();
  const path = `/${rest.join('/')}`;
  const grant = authenticate(state, request);
  if ('status' in grant) {
    logRefused(state, method, version, path, grant.status);
    return { kind: 'error', error: grant };
  }
  let text: string;
  try {
    text = await readBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return { kind: 'error', error: { status: 413, code: 'RequestEntityTooLarge', message: error.message } };
    throw error;
  }
  const body = parseJson(text);
  if ('status' in body) return { kind: 'error', error: body };
  if (rest.length === 1 && rest[0] === '$batch') {
    return method === 'POST'
      ? executeBatch(state, body.value, grant, version, ids)
      : { kind: 'error', error: graphErrors.methodNotAllowed() };
  }
  return executeGraphCall(state, {
    method,
    version,
    path,
    query: url.searchParams,
    body: body.value,
    grant,
    inBatch: false,
  });
}

/** Microsoft Graph's `/v1.0` calendar surface: users, events and `$batch`. */
export function graphRequestHandler(state: GraphState): RequestHandler {
  return async (request, response) => {
    const requestId = randomUUID();
    const ids = { requestId, clientRequestId: header(request, 'client-request-id') ?? requestId };
    write(response, await reply(state, request, ids), ids);
  };
}
