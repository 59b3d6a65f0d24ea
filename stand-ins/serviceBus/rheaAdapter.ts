import type { Server } from 'node:net';
import * as rhea from 'rhea';

/**
 * A narrow, typed view of the parts of rhea the emulator uses. rhea's own typings are loose (`any`
 * everywhere) and leave out fields a server needs (link credit, the local attach frame), so every
 * cast from rhea lives here.
 */

export type Connection = rhea.Connection;
export type EventContext = rhea.EventContext;
export type ServerSender = rhea.Sender;
export type ServerReceiver = rhea.Receiver;
export type Link = rhea.Sender | rhea.Receiver;

/** A decoded AMQP message: the fields the emulator reads or writes; rhea keeps any others as they came. */
export interface AmqpMessage {
  message_id?: unknown;
  correlation_id?: unknown;
  reply_to?: string;
  delivery_count?: number;
  body?: unknown;
  message_annotations?: Record<string, unknown>;
  application_properties?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface AmqpErrorInfo {
  readonly condition: string;
  readonly description?: string;
}

/** What the peer said about a delivery the emulator sent (rhea's `remote_state`). */
export type RemoteOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'released' }
  | {
      readonly kind: 'rejected';
      readonly condition?: string;
      readonly description?: string;
      readonly info: Record<string, unknown>;
    }
  | {
      readonly kind: 'modified';
      readonly undeliverableHere: boolean;
      readonly annotations: Record<string, unknown>;
    };

export type OutcomeEvent = 'accepted' | 'released' | 'rejected' | 'modified';
export const OUTCOME_EVENTS: readonly OutcomeEvent[] = ['accepted', 'released', 'rejected', 'modified'];

export interface OutgoingDelivery {
  readonly id: number;
  readonly remoteOutcome: RemoteOutcome | undefined;
  settle(outcome: { accepted: true } | { rejected: AmqpErrorInfo }): void;
}

export interface IncomingDelivery {
  readonly format: number;
  accept(): void;
  reject(error: AmqpErrorInfo): void;
}

interface LinkInternals {
  credit: number;
  delivery_count: number;
  local: {
    attach: {
      max_message_size?: number;
      snd_settle_mode?: number;
      rcv_settle_mode?: number;
      properties?: Record<string, unknown>;
    };
  };
}

interface OutcomeFactory {
  accepted(): { described(): unknown };
  rejected(fields: { error: AmqpErrorInfo }): { described(): unknown };
}

interface RawDelivery {
  id: number;
  format: number;
  remote_state?: unknown;
  remote_settled: boolean;
  update(settled: boolean, state?: unknown): void;
  accept(): void;
  reject(error: AmqpErrorInfo): void;
}

const outcomes = rhea.message as unknown as OutcomeFactory;

function internals(link: Link): LinkInternals {
  return link as unknown as LinkInternals;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

export function encodeMessage(message: AmqpMessage): Buffer {
  return rhea.message.encode(message);
}

export function decodeMessage(bytes: Buffer): AmqpMessage {
  return rhea.message.decode(bytes) as unknown as AmqpMessage;
}

/** The data sections of a message body (a batch carries one encoded message in each). */
export function dataSections(body: unknown): Buffer[] {
  if (!isRecord(body) || body.typecode !== 0x75) return [];
  const content = body.content;
  if (Buffer.isBuffer(content)) return [content];
  return Array.isArray(content) ? content.filter((item): item is Buffer => Buffer.isBuffer(item)) : [];
}

export const wire = {
  long: (value: number | Buffer): unknown => rhea.types.wrap_long(value),
  int: (value: number): unknown => rhea.types.wrap_int(value),
  uuid: (bytes: Buffer): unknown => rhea.types.wrap_uuid(bytes),
  longArray: (values: readonly number[]): unknown => rhea.types.wrap_array([...values], 0x81, undefined),
};

export function linkAddress(link: Link): string {
  const terminus = link.is_sender() ? link.source : link.target;
  return typeof terminus?.address === 'string' ? terminus.address : '';
}

export function remoteTargetAddress(link: Link): string | undefined {
  const address = link.target?.address;
  return typeof address === 'string' ? address : undefined;
}

/** Answers an attach with the peer's own source and target, and its settle modes. */
export function mirrorAttach(link: Link): void {
  if (link.source) link.set_source(link.source);
  if (link.target) link.set_target(link.target);
  const attach = internals(link).local.attach;
  attach.snd_settle_mode = link.snd_settle_mode;
  attach.rcv_settle_mode = link.rcv_settle_mode;
}

export function advertiseMaxMessageSize(receiver: ServerReceiver, bytes: number): void {
  internals(receiver).local.attach.max_message_size = bytes;
}

/** True when the peer asked for pre-settled transfers (the SDK's receiveAndDelete mode). */
export function wantsPresettled(sender: ServerSender): boolean {
  return sender.snd_settle_mode === 1;
}

/**
 * The absolute delivery count up to which the peer has granted credit. rhea lowers `credit` only
 * when a transfer leaves the socket, so credit is tracked against this limit instead.
 */
export function creditLimit(sender: ServerSender): number {
  const link = internals(sender);
  return link.delivery_count + link.credit;
}

/** False while the session's buffer of unsettled deliveries is full (rhea then emits `sendable`). */
export function sessionHasRoom(sender: ServerSender): boolean {
  const session = sender.session as unknown as { outgoing: { available(): number } };
  return session.outgoing.available() > 0;
}

/** Tells the peer that the sender has nothing more for its outstanding (drained) credit. */
export function completeDrain(sender: ServerSender): void {
  sender.set_drained(true);
}

export function sendMessage(sender: ServerSender, message: AmqpMessage, tag?: Buffer): OutgoingDelivery {
  return wrapOutgoing(sender.send(message as rhea.Message, tag) as unknown as RawDelivery);
}

export function wrapOutgoing(raw: RawDelivery): OutgoingDelivery {
  return {
    id: raw.id,
    get remoteOutcome() {
      return readOutcome(raw.remote_state);
    },
    settle(outcome) {
      const state =
        'accepted' in outcome ? outcomes.accepted() : outcomes.rejected({ error: outcome.rejected });
      raw.update(true, state.described());
      // In receive-settle-mode "second" the peer settles after us without saying so. rhea keeps a
      // delivery in its fixed-size session buffer until the peer's settlement is seen, so without
      // this the buffer fills after 2048 messages and rhea corrupts its delivery ids.
      raw.remote_settled = true;
    },
  };
}

export function deliveryOf(context: EventContext): RawDelivery | undefined {
  return context.delivery as unknown as RawDelivery | undefined;
}

export function incomingDelivery(raw: RawDelivery): IncomingDelivery {
  return { format: raw.format, accept: () => raw.accept(), reject: (error) => raw.reject(error) };
}

/** The message of a `message` event: decoded for format 0, raw bytes for others (batches). */
export function incomingPayload(context: EventContext): AmqpMessage | Buffer | undefined {
  const message: unknown = context.message;
  if (Buffer.isBuffer(message)) return message;
  return isRecord(message) ? (message as AmqpMessage) : undefined;
}

function readOutcome(state: unknown): RemoteOutcome | undefined {
  if (!isRecord(state)) return undefined;
  const kind: unknown = (state.constructor as { composite_type?: unknown } | undefined)?.composite_type;
  switch (kind) {
    case 'accepted':
      return { kind };
    case 'released':
      return { kind };
    case 'rejected': {
      const error = isRecord(state.error) ? state.error : {};
      return {
        kind,
        ...(typeof error.condition === 'string' ? { condition: error.condition } : {}),
        ...(typeof error.description === 'string' ? { description: error.description } : {}),
        info: isRecord(error.info) ? error.info : {},
      };
    }
    case 'modified':
      return {
        kind,
        undeliverableHere: state.undeliverable_here === true,
        annotations: isRecord(state.message_annotations) ? state.message_annotations : {},
      };
    default:
      return undefined;
  }
}

export interface AmqpListener {
  readonly container: rhea.Container;
  readonly server: Server;
}

export function listen(host: string, port: number): AmqpListener {
  const container = rhea.create_container({ id: 'service-bus-emulator' });
  // Connection options reach every link: sends are settled by the emulator itself, and a `modified`
  // outcome (abandon, defer) must not also be reported as `released`.
  const options = { host, port, autoaccept: false, treat_modified_as_released: false };
  const server = container.listen(options as rhea.ServerConnectionOptions);
  return { container, server };
}

export function refuseLink(link: Link, error: AmqpErrorInfo): void {
  link.close(error);
}

/** Drops a connection at once: rhea clears its heartbeat timers and destroys the socket. */
export function abortConnection(connection: Connection): void {
  const internal = connection as unknown as { socket?: unknown; abort_socket(socket: unknown): void };
  if (internal.socket) internal.abort_socket(internal.socket);
}

/** Sends AMQP close on each connection and waits (at most `graceMs`) for the peers to answer. */
export async function closeGracefully(connections: readonly Connection[], graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  const answered = connections.map(
    (connection) =>
      new Promise<void>((resolve) => {
        if (!connection.is_open()) return resolve();
        connection.once('connection_close', () => resolve());
        connection.once('disconnected', () => resolve());
        connection.close({ condition: 'amqp:connection:forced', description: 'The emulator is stopping.' });
      }),
  );
  await Promise.race([Promise.all(answered), timeout]);
  clearTimeout(timer);
}

const SESSION_FILTER = 'com.microsoft:session-filter';

interface HeldState {
  state: { local_open: boolean; open_requests: number };
}

/**
 * rhea answers every attach at once; this takes the answer back, so the link stays half-open until
 * `answerAttach` (accept-next-session waits there for a session to become free).
 */
export function holdAttach(link: Link): void {
  const { state } = link as unknown as HeldState;
  state.local_open = false;
  state.open_requests = 0;
}

export function answerAttach(link: Link): void {
  link.open();
}

/**
 * The session the peer's source filter asks for: `undefined` for a receiver that asked for no session,
 * `null` for "the next free session" (accept-next-session), or the session id (accept-session).
 */
export function requestedSession(link: Link): string | null | undefined {
  const filter: unknown = link.source?.filter;
  if (!isRecord(filter) || !(SESSION_FILTER in filter)) return undefined;
  const value = filter[SESSION_FILTER];
  return typeof value === 'string' ? value : null;
}

/** Answers the attach with the session the link got (absent when it got none) and its lock's end. */
export function describeSession(
  sender: ServerSender,
  sessionId: string | undefined,
  lockedUntil: number,
): void {
  const source = {
    ...(sender.source ?? {}),
    filter: sessionId === undefined ? {} : { [SESSION_FILTER]: sessionId },
  };
  sender.set_source(source);
  internals(sender).local.attach.properties = {
    'com.microsoft:locked-until-utc': wire.long(dotnetTicks(lockedUntil)),
  };
}

/** A number the peer put in its attach properties (e.g. `com.microsoft:timeout`, in ms). */
export function attachProperty(link: Link, name: string): number | undefined {
  const properties: unknown = link.properties;
  const value = isRecord(properties) ? properties[name] : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** .NET ticks (100 ns since 0001-01-01) as 8 big-endian bytes: how Service Bus sends a lock's end. */
function dotnetTicks(ms: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(ms) * 10_000n + 621_355_968_000_000_000n);
  return bytes;
}
