import http from 'node:http';
import https from 'node:https';

/** What Graph answered: the status, the headers and the body (parsed when it is JSON). */
export interface GraphAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
}

export interface GraphHttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly token: string;
  readonly body?: unknown;
  /** Extra request headers (e.g. `Prefer`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
}

function parsed(text: string, contentType: string | undefined): unknown {
  if (text === '' || !contentType?.includes('json')) return text === '' ? undefined : text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Requests to Microsoft Graph over node:https with keep-alive connections (one agent per gateway).
 * It costs a fraction of the CPU of `fetch` under the Graph client (no web streams, no middleware
 * chain), which is most of a change's CPU. Rejects with the signal's reason on abort, with the
 * socket's error on a transport failure; any HTTP status is an answer.
 */
export class GraphHttp {
  private readonly agents = {
    'https:': new https.Agent({ keepAlive: true }),
    'http:': new http.Agent({ keepAlive: true }),
  };

  send(request: GraphHttpRequest): Promise<GraphAnswer> {
    const { url, signal } = request;
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const secure = url.protocol === 'https:';
    const headers: http.OutgoingHttpHeaders = {
      ...request.headers,
      authorization: `Bearer ${request.token}`,
      accept: 'application/json',
      ...(payload === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
    };
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const options = {
        method: request.method,
        headers,
        agent: secure ? this.agents['https:'] : this.agents['http:'],
        signal,
      };
      const sent = (secure ? https : http).request(url, options, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: parsed(Buffer.concat(chunks).toString('utf8'), response.headers['content-type']),
          }),
        );
      });
      sent.on('error', (error) => reject(signal.aborted ? signal.reason : error));
      sent.end(payload);
    });
  }

  close(): void {
    this.agents['https:'].destroy();
    this.agents['http:'].destroy();
  }
}
