import type { ServiceBusClient } from '@azure/service-bus';
import { EntraTokenProvider } from './adapters/entraTokenProvider';
import { GraphCalendarGateway } from './adapters/graphCalendarGateway';
import { MailboxLimiter } from './adapters/mailboxLimiter';
import { ServiceBusReplaySender, serviceBusClient } from './adapters/serviceBusReplaySender';
import { createTableStores, type TableStores } from './adapters/tables';
import { ChangeProcessor } from './domain/changeProcessor';
import {
  type CredentialExpiry,
  describeProblems,
  type ExchangeCredentials,
  type SettingsResult,
} from './domain/credentials';
import { DeadLetterSweeper } from './domain/deadLetterSweeper';
import type { OperationalLog } from './domain/ports';
import { redactDeep } from './domain/redaction';
import { RetryPass } from './domain/retryPass';
import {
  credentialsFingerprint,
  type Environment,
  type InfrastructureSettings,
  readCredentialExpiry,
  readExchangeCredentials,
  readInfrastructureSettings,
  secretValues,
} from './settings';
import { buildTwoWay, type TwoWay, watchMailboxes } from './twoWayConnector';
import { readTwoWaySettings } from './twoWaySettings';

/** Everything one process shares across invocations: clients, caches and limits. */
export interface Connector {
  readonly settings: InfrastructureSettings;
  readonly stores: TableStores;
  readonly tokens: EntraTokenProvider;
  readonly serviceBus: ServiceBusClient;
  /** The Exchange credentials as set now: read on every use, so a corrected secret takes effect at once. */
  credentials(): SettingsResult<ExchangeCredentials>;
  /** When the client secret or certificate expires, when known: informational, never blocks a sync. */
  credentialExpiry(): SettingsResult<CredentialExpiry | undefined>;
  /** A processor that logs to the given sink (one per invocation). */
  processor(log: OperationalLog): ChangeProcessor;
  /** A sweeper of the queue's dead-letter subqueue that logs to the given sink (one per invocation). */
  deadLetterSweeper(log: OperationalLog): DeadLetterSweeper;
  /** A retry pass (also the Errors page's manual replay) that logs to the given sink. */
  retryPass(log: OperationalLog, clock?: { now: () => Date }): RetryPass;
  /** Two-way sync (Outlook → back office) when GRAPH_WEBHOOK_BASE_URL is set and valid; read on every use. */
  twoWay(): SettingsResult<TwoWay | undefined>;
  /** The secret values (and client assertions) that must never appear in a row, a log line or a response. */
  secrets(): string[];
  close(): Promise<void>;
}

/** Where log lines go: the Functions `InvocationContext`, or the console of a local run. */
export interface LogSink {
  log(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export class InfrastructureSettingsError extends Error {
  override readonly name = 'InfrastructureSettingsError';
}

function infrastructureOf(env: Environment): InfrastructureSettings {
  const infrastructure = readInfrastructureSettings(env);
  if (!infrastructure.ok) throw new InfrastructureSettingsError(describeProblems(infrastructure.problems));
  return infrastructure.value;
}

export function buildConnector(env: Environment = process.env): Connector {
  const settings = infrastructureOf(env);
  const stores = createTableStores(settings.tableStorage);
  const tokens = new EntraTokenProvider({ requestTimeoutMs: settings.entraRequestTimeoutMs });
  const limiter = new MailboxLimiter(4);
  const gateways = new Map<string, GraphCalendarGateway>();
  const credentials = () => readExchangeCredentials(env);
  const secrets = () => [...secretValues(env), ...tokens.assertionsInUse()];
  const calendars = (exchange: ExchangeCredentials) => {
    const key = credentialsFingerprint(exchange);
    let gateway = gateways.get(key);
    if (!gateway) {
      gateway = new GraphCalendarGateway(exchange, tokens, limiter, {
        requestTimeoutMs: settings.graphRequestTimeoutMs,
      });
      gateways.set(key, gateway);
    }
    return gateway;
  };
  const serviceBus = serviceBusClient(settings.serviceBus);
  const replaySender = new ServiceBusReplaySender(serviceBus, settings.appointmentQueue);
  let twoWay: { key: string; value: TwoWay } | undefined;
  const readTwoWay = (): SettingsResult<TwoWay | undefined> => {
    const read = readTwoWaySettings(env);
    if (!read.ok || !read.value) return read.ok ? { ok: true, value: undefined } : read;
    const key = JSON.stringify(read.value);
    if (twoWay?.key !== key) {
      void twoWay?.value.close().catch(() => undefined);
      const parts = {
        settings: read.value,
        stores,
        serviceBus,
        graph: calendars,
        readCredentials: credentials,
      };
      twoWay = { key, value: buildTwoWay({ ...parts, secrets }) };
    }
    return { ok: true, value: twoWay.value };
  };
  return {
    settings,
    stores,
    tokens,
    serviceBus,
    credentials,
    credentialExpiry: () => readCredentialExpiry(env),
    secrets,
    twoWay: readTwoWay,
    processor: (log) =>
      new ChangeProcessor({
        transactions: stores.transactions,
        appointments: stores.appointments,
        resources: stores.cachedResources,
        tokens,
        calendars,
        readCredentials: credentials,
        secrets,
        log,
        watchMailboxes: (interests) => watchMailboxes(readTwoWay(), interests),
      }),
    deadLetterSweeper: (log) =>
      new DeadLetterSweeper({
        transactions: stores.transactions,
        appointments: stores.appointments,
        resources: stores.resources,
        secrets,
        log,
      }),
    retryPass: (log, clock) =>
      new RetryPass({
        ...clock,
        transactions: stores.transactions,
        appointments: stores.appointments,
        resources: stores.resources,
        tokens,
        calendars,
        readCredentials: credentials,
        sender: replaySender,
        log,
        windowDays: settings.retryWindowDays,
        credentialExpiry: () => readCredentialExpiry(env),
      }),
    close: async () => {
      await twoWay?.value.close();
      for (const gateway of gateways.values()) gateway.close();
      await replaySender.close();
      await serviceBus.close();
    },
  };
}

let current: { key: string; connector: Connector } | undefined;

/** The process-wide connector, rebuilt (and the old one closed) when the infrastructure settings change. */
export function connector(env: Environment = process.env): Connector {
  const key = JSON.stringify(readInfrastructureSettings(env));
  if (current?.key !== key) {
    const previous = current?.connector;
    current = { key, connector: buildConnector(env) };
    void previous?.close().catch(() => undefined);
  }
  return current.connector;
}

/** A structured, redacted operational log over a sink: one JSON object per line. */
export function operationalLog(sink: LogSink, secrets: () => readonly string[]): OperationalLog {
  const line = (level: string, message: string, properties: Record<string, unknown>) =>
    JSON.stringify(redactDeep({ level, event: message, ...properties }, secrets()));
  return {
    info: (message, properties) => sink.log(line('info', message, properties)),
    error: (message, properties) => sink.error(line('error', message, properties)),
  };
}
