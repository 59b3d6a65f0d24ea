import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerCertificate } from './certificates';

export interface RunningHttpsServer {
  readonly port: number;
  /** https://localhost:<port> */
  readonly origin: string;
  /** Closes the server and every connection, hung ones included. */
  close(): Promise<void>;
}

/** Microsoft's front doors keep idle connections open for minutes; Node's default is 5 s. */
const KEEP_ALIVE_MS = 120_000;

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** An HTTPS server on loopback (`localhost`, so the certificate's name matches). */
export function listenHttps(
  certificate: ServerCertificate,
  port: number,
  handler: RequestHandler,
): Promise<RunningHttpsServer> {
  const server = createServer(
    { key: certificate.key, cert: certificate.cert, keepAliveTimeout: KEEP_ALIVE_MS },
    (request, response) => {
      handler(request, response).catch((error: unknown) => {
        if (response.headersSent) {
          response.destroy();
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        response.writeHead(500, { 'Content-Type': 'text/plain' });
        response.end(`sandbox failure: ${message}`);
      });
    },
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => {
      server.off('error', reject);
      const { port: boundPort } = server.address() as AddressInfo;
      resolve({
        port: boundPort,
        origin: `https://localhost:${boundPort}`,
        close: () =>
          new Promise<void>((closed) => {
            server.close(() => closed());
            server.closeAllConnections();
          }),
      });
    });
  });
}
