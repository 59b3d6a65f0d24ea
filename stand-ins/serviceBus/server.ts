import type { Socket } from 'node:net';
import { ConsumerLink } from './consumerLink';
import { runManagementOperation } from './management';
import { acceptSends, type SendFaults } from './producerLink';
import type { QueueRegistry } from './queueRegistry';
import { managementReply, putTokenAccepted, ReplyRoutes } from './requestResponse';
import {
  type AmqpMessage,
  abortConnection,
  advertiseMaxMessageSize,
  type Connection,
  closeGracefully,
  deliveryOf,
  incomingDelivery,
  incomingPayload,
  linkAddress,
  listen,
  mirrorAttach,
  refuseLink,
  requestedSession,
  type ServerReceiver,
  type ServerSender,
} from './rheaAdapter';
import { SessionLink } from './sessionLink';

/** The Standard tier's limit; the SDK sizes batches by what the link advertises. */
const MAX_MESSAGE_SIZE_BYTES = 256 * 1024;
const CBS_ADDRESS = '$cbs';
const MANAGEMENT_SUFFIX = '/$management';
/** How long stop() lets clients answer the AMQP close before dropping their sockets. */
const CLOSE_GRACE_MS = 500;

const NON_SESSION_RECEIVER = {
  condition: 'amqp:not-allowed',
  description:
    'It is not possible for an entity that requires sessions to create a non-sessionful message receiver.',
} as const;

export interface AmqpServerOptions {
  readonly port: number;
  /** Longest an accept-next-session waits for a free session. */
  readonly sessionAcceptTimeoutMs: number;
}

export interface AmqpServer {
  readonly port: number;
  stop(): Promise<void>;
}

interface ConnectionState {
  readonly routes: ReplyRoutes;
  readonly consumers: Set<{ detach(): void }>;
}

/** Listens on loopback and wires every link a client attaches to the queues in `registry`. */
export async function startAmqpServer(
  registry: QueueRegistry,
  faults: SendFaults,
  options: AmqpServerOptions,
): Promise<AmqpServer> {
  const { port } = options;
  const { container, server } = listen('127.0.0.1', port);
  const connections = new Map<Connection, ConnectionState>();
  /** Every connection until its socket goes: stop() must clear their heartbeat timers. */
  const live = new Set<Connection>();
  const sockets = new Set<Socket>();

  const stateOf = (connection: Connection): ConnectionState => {
    let state = connections.get(connection);
    if (!state) {
      state = { routes: new ReplyRoutes(), consumers: new Set() };
      connections.set(connection, state);
    }
    return state;
  };
  const forget = (connection: Connection): void => {
    for (const consumer of connections.get(connection)?.consumers ?? []) consumer.detach();
    connections.delete(connection);
  };

  const onSenderOpen = (sender: ServerSender, state: ConnectionState): void => {
    const address = linkAddress(sender);
    mirrorAttach(sender);
    if (address === CBS_ADDRESS || address.endsWith(MANAGEMENT_SUFFIX)) {
      state.routes.add(sender);
      sender.on('sender_close', () => state.routes.remove(sender));
      return;
    }
    const target = registry.resolve(address);
    if (!target) {
      refuseLink(sender, { condition: 'amqp:not-found', description: `No queue at '${address}'.` });
      return;
    }
    const sessions = target.subQueue.sessions;
    const requested = requestedSession(sender);
    if (sessions && requested === undefined) {
      refuseLink(sender, NON_SESSION_RECEIVER);
      return;
    }
    const consumer = sessions
      ? new SessionLink(sender, target.subQueue, sessions, requested ?? null, options.sessionAcceptTimeoutMs)
      : new ConsumerLink(sender, target.subQueue);
    state.consumers.add(consumer);
    sender.on('sender_close', () => {
      consumer.detach();
      state.consumers.delete(consumer);
    });
  };

  const onReceiverOpen = (receiver: ServerReceiver, state: ConnectionState): void => {
    const address = linkAddress(receiver);
    mirrorAttach(receiver);
    if (address === CBS_ADDRESS) {
      answerRequests(receiver, (request) => state.routes.reply(request, putTokenAccepted()));
      return;
    }
    if (address.endsWith(MANAGEMENT_SUFFIX)) {
      const target = registry.resolve(address.slice(0, -MANAGEMENT_SUFFIX.length));
      if (!target) {
        refuseLink(receiver, { condition: 'amqp:not-found', description: `No queue at '${address}'.` });
        return;
      }
      answerRequests(receiver, (request) =>
        state.routes.reply(
          request,
          managementReply(runManagementOperation(target, request, Date.now(), faults.condition)),
        ),
      );
      return;
    }
    const target = registry.resolve(address);
    if (!target || target.subQueue !== target.queue.main) {
      refuseLink(receiver, { condition: 'amqp:not-allowed', description: `Cannot send to '${address}'.` });
      return;
    }
    advertiseMaxMessageSize(receiver, MAX_MESSAGE_SIZE_BYTES);
    acceptSends(receiver, target.queue, faults);
  };

  container.on('sender_open', (context) => {
    if (context.sender) onSenderOpen(context.sender, stateOf(context.connection));
  });
  container.on('receiver_open', (context) => {
    if (context.receiver) onReceiverOpen(context.receiver, stateOf(context.connection));
  });
  container.on('connection_open', (context) => live.add(context.connection));
  container.on('connection_close', (context) => forget(context.connection));
  container.on('disconnected', (context) => {
    forget(context.connection);
    live.delete(context.connection);
  });
  // A client vanishing mid-operation is normal for a test double; rhea would otherwise throw.
  container.on('error', () => undefined);

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;

  return {
    port: boundPort,
    stop: async () => {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      await closeGracefully([...live], CLOSE_GRACE_MS);
      for (const connection of [...live]) {
        forget(connection);
        abortConnection(connection);
      }
      for (const socket of sockets) socket.destroy();
      await closing;
      container.removeAllListeners();
    },
  };
}

function answerRequests(receiver: ServerReceiver, answer: (request: AmqpMessage) => void): void {
  receiver.on('message', (context) => {
    const raw = deliveryOf(context);
    if (raw) incomingDelivery(raw).accept();
    const request = incomingPayload(context);
    if (request !== undefined && !Buffer.isBuffer(request)) answer(request);
  });
}
