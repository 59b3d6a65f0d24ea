import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import type { FunctionDefinition } from '../../shared/host/functionDefinitions';
import type { Caller } from '../../shared/http/auth/roles';
import { LOCAL_SIGN_IN_NOTE, signedInHeaders } from './easyAuth';

type HttpDefinition = Extract<FunctionDefinition, { trigger: 'http' }>;

export interface HttpRunnerOptions {
  readonly port: number;
  readonly host: string;
  /** Receives each log line of the handlers; defaults to dropping them. */
  readonly onLog?: (level: string, args: unknown[]) => void;
  /**
   * Plays App Service Authentication: the caller each request is signed in as (undefined: anonymous),
   * asked per request. While it runs, WEBSITE_AUTH_ENABLED=True is set as the platform sets it.
   */
  readonly signIn?: () => Caller | undefined;
}

export interface RunningHttpFunctions {
  /** The server's origin, e.g. `http://127.0.0.1:7071`; routes live under `/<routePrefix>/`. */
  readonly url: string;
  /** host.json's `extensions.http.routePrefix` (`api` by default). */
  readonly routePrefix: string;
  stop(): Promise<void>;
}

/** One segment of a route template: a literal, `{name}`, `{name?}` (last only) or `{*name}` (the rest). */
type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'parameter'; readonly name: string; readonly optional: boolean }
  | { readonly kind: 'catchAll'; readonly name: string };

interface Route {
  readonly definition: HttpDefinition;
  readonly segments: readonly Segment[];
  readonly methods: readonly string[];
}

export function hostRoutePrefix(): string {
  const host = JSON.parse(readFileSync(join(__dirname, '..', '..', 'host.json'), 'utf8')) as {
    extensions?: { http?: { routePrefix?: string } };
  };
  return (host.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
}

function parseTemplate(template: string): Segment[] {
  return template
    .split('/')
    .filter((part) => part !== '')
    .map((part): Segment => {
      const parameter = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(\?)?\}$/.exec(part);
      if (!parameter) {
        if (/[{}]/.test(part)) throw new Error(`Unsupported route segment "${part}" in "${template}"`);
        return { kind: 'literal', text: part.toLowerCase() };
      }
      const name = parameter[2] ?? '';
      return parameter[1]
        ? { kind: 'catchAll', name }
        : { kind: 'parameter', name, optional: parameter[3] === '?' };
    });
}

/** Route parameters when the path matches the template (literals case-insensitively, like ASP.NET routing). */
function match(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index];
    if (segment.kind === 'catchAll') {
      const rest = parts.slice(index).join('/');
      if (rest) params[segment.name] = rest;
      return params;
    }
    if (part === undefined) {
      if (segment.kind === 'parameter' && segment.optional) continue;
      return undefined;
    }
    if (segment.kind === 'literal') {
      if (part.toLowerCase() !== segment.text) return undefined;
    } else params[segment.name] = part;
  }
  return parts.length <= segments.length ? params : undefined;
}

/** More literal segments first, so `errors/summary` would win over `errors/{id}`. */
function specificity(route: Route): number {
  return route.segments.reduce(
    (score, s) => score * 3 + (s.kind === 'literal' ? 2 : s.kind === 'parameter' ? 1 : 0),
    1,
  );
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // Hop-by-hop headers belong to this connection, not to the request the function sees.
    if (value === undefined || ['connection', 'keep-alive', 'transfer-encoding'].includes(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function bodyOf(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function send(response: ServerResponse, result: HttpResponse): Promise<void> {
  response.statusCode = result.status;
  for (const [name, value] of result.headers) response.setHeader(name, value);
  response.end(Buffer.from(await result.arrayBuffer()));
}

/**
 * Serves HTTP-triggered functions the way the Functions host does: routes under host.json's route
 * prefix, `{param}` templates into `request.params`, the declared methods only, and the handler's
 * `HttpResponseInit` (status, headers, body or jsonBody) as the answer; a handler that throws is a 500.
 * Like `func start`, it accepts `authLevel: 'function'` requests without a key; with `signIn` it stands
 * in for App Service Authentication as well.
 */
export async function serveHttpFunctions(
  definitions: readonly FunctionDefinition[],
  options: HttpRunnerOptions,
): Promise<RunningHttpFunctions> {
  const routePrefix = hostRoutePrefix();
  const prefix = routePrefix ? routePrefix.split('/').map((part) => part.toLowerCase()) : [];
  const routes: Route[] = definitions
    .filter((definition): definition is HttpDefinition => definition.trigger === 'http')
    .map((definition) => ({
      definition,
      segments: parseTemplate(definition.options.route ?? definition.name),
      methods: (definition.options.methods ?? ['GET', 'POST']).map((method) => method.toUpperCase()),
    }))
    .sort((a, b) => specificity(b) - specificity(a));
  const log = options.onLog ?? (() => {});

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? options.host}`);
    let parts: string[];
    try {
      parts = url.pathname
        .split('/')
        .filter((part) => part !== '')
        .map(decodeURIComponent);
    } catch {
      response.statusCode = 400;
      response.end();
      return;
    }
    const method = (request.method ?? 'GET').toUpperCase();
    if (options.signIn && parts[0] === '.auth') {
      response.setHeader('content-type', 'text/plain; charset=utf-8');
      response.end(LOCAL_SIGN_IN_NOTE);
      return;
    }
    const underPrefix = prefix.every((part, index) => parts[index]?.toLowerCase() === part);
    const found = underPrefix
      ? routes
          .filter((route) => route.methods.includes(method))
          .map((route) => ({ route, params: match(route.segments, parts.slice(prefix.length)) }))
          .find((candidate) => candidate.params !== undefined)
      : undefined;
    if (!found?.params) {
      response.statusCode = 404;
      response.end();
      return;
    }
    const { definition } = found.route;
    const body = await bodyOf(request);
    const httpRequest = new HttpRequest({
      method,
      url: url.toString(),
      headers: options.signIn ? signedInHeaders(headersOf(request), options.signIn()) : headersOf(request),
      params: found.params,
      ...(body.length > 0 ? { body: { bytes: body } } : {}),
    });
    const context = new InvocationContext({
      functionName: definition.name,
      invocationId: randomUUID(),
      logHandler: (level, ...args) => log(level, args),
    });
    try {
      const result = await definition.options.handler(httpRequest, context);
      await send(response, result instanceof HttpResponse ? result : new HttpResponse(result ?? {}));
    } catch (error) {
      log('error', [`${definition.name} threw`, error]);
      if (!response.headersSent) response.statusCode = 500;
      response.end();
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log('error', ['http runner failed', error]);
      if (!response.headersSent) response.statusCode = 500;
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const authEnabledBefore = process.env.WEBSITE_AUTH_ENABLED;
  if (options.signIn) process.env.WEBSITE_AUTH_ENABLED = 'True';
  return {
    url: `http://${options.host}:${port}`,
    routePrefix,
    async stop() {
      if (options.signIn) {
        if (authEnabledBefore === undefined) delete process.env.WEBSITE_AUTH_ENABLED;
        else process.env.WEBSITE_AUTH_ENABLED = authEnabledBefore;
      }
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
