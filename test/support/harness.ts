import { randomUUID } from 'node:crypto';
import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from '@azure/service-bus';
import { definition as sweepDeadLetters } from '../../functions/sweepDeadLetters';
import { definition as syncAppointment } from '../../functions/syncAppointment';
import { type Connector, connector } from '../../shared/connector';
import { transactionIdFor } from '../../shared/domain/ids';
import { sessionIdForBody } from '../../shared/domain/sessionIds';
import type { TransactionRecord } from '../../shared/domain/transaction';
import { type StandIns, type StandInsOptions, startStandIns } from '../../stand-ins';
import { type FaultProxy, startFaultProxy } from '../../stand-ins/faultProxy';
import { type RunningQueue, runQueueFunction } from '../../stand-ins/host/queueRunner';
import type { Sandbox } from '../../stand-ins/sandbox';
import type { ServiceBusEmulator } from '../../stand-ins/serviceBus';
import { eventually } from './eventually';

export const QUEUE = 'appointment-changes';

/**
 * A change message as the back office must send it: the queue requires sessions, so the session id
 * is the appointment's (or `resource:<id>`); a body that names neither (an invalid message) gets its
 * message id as session.
 */
export function changeMessage(body: unknown, messageId?: string): ServiceBusMessage {
  const changeId =
    typeof body === 'object' && body !== null && 'changeId' in body ? String(body.changeId) : undefined;
  const id = messageId ?? changeId ?? randomUUID();
  return { body, messageId: id, contentType: 'application/json', sessionId: sessionIdForBody(body) ?? id };
}

export interface HarnessOptions extends StandInsOptions {
  /** Extra or overriding app settings. */
  readonly settings?: Record<string, string>;
  /** Start the queue runner for syncAppointment (default true). */
  readonly runQueue?: boolean;
  /** Also run sweepDeadLetters on the queue's dead-letter subqueue (default false). */
  readonly sweepDeadLetters?: boolean;
}

/**
 * The connector wired to real stand-ins exactly as a deployment is: app settings in process.env
 * (connection strings, authority host, Graph endpoint), Table Storage behind a fault proxy, and
 * syncAppointment run by the host-like queue runner.
 */
export interface Harness {
  readonly standIns: StandIns;
  readonly sandbox: Sandbox;
  readonly serviceBus: ServiceBusEmulator;
  readonly tableProxy: FaultProxy;
  readonly settings: Record<string, string>;
  readonly logs: string[];
  readonly sender: ServiceBusSender;
  connector(): Connector;
  /** Sends change bodies to the queue; the message id is the changeId when there is one. */
  send(...bodies: unknown[]): Promise<void>;
  /** Waits for the transaction of a change (or a transaction id) to be recorded and to satisfy `until`. */
  waitForTransaction(
    changeOrTransactionId: string,
    until?: (row: TransactionRecord) => boolean,
    timeoutMs?: number,
  ): Promise<TransactionRecord>;
  /** How many times the host has abandoned a message because the handler threw (it could not record). */
  abandoned(): number;
  /** Waits until every message sent so far has been handled and settled: none active, locked or scheduled. */
  settled(timeoutMs?: number): Promise<void>;
  setSetting(name: string, value: string | undefined): void;
  startQueue(): Promise<void>;
  stopQueue(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const standIns = await startStandIns(options);
  const { azurite, serviceBus, sandbox } = standIns;
  if (!azurite || !serviceBus || !sandbox) throw new Error('the harness needs all three stand-ins');
  const tableProxy = await startFaultProxy(azurite.port);
  const settings: Record<string, string> = {
    EXCHANGE_TENANT_ID: sandbox.tenant.tenantId,
    EXCHANGE_CLIENT_ID: sandbox.tenant.clientId,
    EXCHANGE_CLIENT_SECRET: sandbox.tenant.clientSecret,
    EXCHANGE_AUTHORITY_HOST: sandbox.authorityHost,
    GRAPH_ENDPOINT: sandbox.graphEndpoint,
    ServiceBusConnection: serviceBus.connectionString,
    TableStorageConnection: tableProxy.through(azurite.connectionString),
    APPOINTMENT_QUEUE: QUEUE,
    ENTRA_REQUEST_TIMEOUT_MS: '2000',
    GRAPH_REQUEST_TIMEOUT_MS: '3000',
    ...options.settings,
  };
  Object.assign(process.env, settings);
  const logs: string[] = [];
  const client = new ServiceBusClient(serviceBus.connectionString);
  const sender = client.createSender(QUEUE);
  let queue: RunningQueue | undefined;
  let sweeper: RunningQueue | undefined;
  const onLog = (level: string, args: unknown[]) =>
    logs.push(`${level} ${args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ')}`);

  const harness: Harness = {
    standIns,
    sandbox,
    serviceBus,
    tableProxy,
    settings,
    logs,
    sender,
    connector: () => connector(),
    async send(...bodies) {
      await sender.sendMessages(bodies.map((body) => changeMessage(body)));
    },
    async waitForTransaction(id, until = () => true, timeoutMs = 15_000) {
      const transactionId = id.startsWith('tx-') ? id : transactionIdFor(id);
      const deadline = Date.now() + timeoutMs;
      let last: TransactionRecord | undefined;
      while (Date.now() < deadline) {
        last = await connector()
          .stores.transactions.getTransaction(transactionId)
          .catch(() => undefined);
        if (last && until(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(
        `transaction ${transactionId} not recorded as expected in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
      );
    },
    abandoned: () => logs.filter((line) => line.includes('the message is abandoned')).length,
    async settled(timeoutMs = 15_000) {
      await eventually(
        `every message on ${QUEUE} settled`,
        () => {
          const { active, locked, scheduled } = serviceBus.stats(QUEUE);
          return active + locked + scheduled === 0;
        },
        timeoutMs,
      );
    },
    setSetting(name, value) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    },
    async startQueue() {
      queue ??= await runQueueFunction(syncAppointment, { onLog });
      if (options.sweepDeadLetters) sweeper ??= await runQueueFunction(sweepDeadLetters, { onLog });
    },
    async stopQueue() {
      await queue?.stop();
      await sweeper?.stop();
      queue = undefined;
      sweeper = undefined;
    },
    async stop() {
      await harness.stopQueue();
      await sender.close();
      await client.close();
      await connector().close();
      await tableProxy.stop();
      await standIns.stop();
    },
  };
  if (options.runQueue !== false) await harness.startQueue();
  return harness;
}
