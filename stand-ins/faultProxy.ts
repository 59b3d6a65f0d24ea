import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a stand-in, for fault tests: while it is "down" it refuses
 * new connections and cuts open ones, so the service behind keeps its (in-memory) data.
 */
export interface FaultProxy {
  readonly port: number;
  /** Rewrites a URL or connection string of the target so it goes through the proxy. */
  through(text: string): string;
  down(): void;
  up(): void;
  readonly isDown: boolean;
  stop(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let isDown = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    if (isDown) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    get isDown() {
      return isDown;
    },
    through: (text) => text.split(`:${targetPort}`).join(`:${port}`),
    down() {
      isDown = true;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    up() {
      isDown = false;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
