import { EntraTokenProvider } from './adapters/entraTokenProvider';
import { GraphCalendarGateway } from './adapters/graphCalendarGateway';
import { MailboxLimiter } from './adapters/mailboxLimiter';
import { ServiceBusReplaySender, serviceBusClient } from './adapters/serviceBusReplaySender';
import { createTableStores, type TableStores } from './adapters/tables';
import { ChangeProcessor } from './domain/changeProcessor';
import type { OperationalLog } from './domain/ports';
import { redactDeep } from './domain/redaction';
import { RetryPass } from './domain/retryPass';
import {
  credentialsFingerprint,
  describeProblems,
  type Environment,
  type ExchangeCredentials,
  type InfrastructureSettings,
  readExchangeCredentials,
  readInfrastructureSettings,
} from './settings';

/** Everything one process shares across invocations: clients, caches and limits. */
export interface Connector {
  readonly settings: InfrastructureSettings;
  readonly stores: TableStores;
  readonly tokens: EntraTokenProvider;
  readonly replaySender: ServiceBusReplaySender;
  /** A processor that logs to the given sink (one per invocation). */
  processor(log: OperationalLog): ChangeProcessor;
  /** A retry pass (also the Errors page's manual replay) that logs to the given sink. */
  retryPass(log: OperationalLog, clock?: { now: () => Date }): RetryPass;
  /** The secret values that must never appear in a row, a log line or a response. */
  secrets(): string[];
}

/** Where log lines go: the Functions `InvocationContext`, or the console of a local run. */
export interface LogSink {
  log(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export class InfrastructureSettingsError extends Error {
  override readonly name = 'InfrastructureSettingsError';
}

let current: { key: string; connector: Connector } | undefined;

export function buildConnector(env: Environment = process.env): Connector {
  const infrastructure = readInfrastructureSettings(env);
  if (!infrastructure.ok) throw new InfrastructureSettingsError(describeProblems(infrastructure.problems));
  const settings = infrastructure.value;
  const stores = createTableStores(settings.tableStorage);
  const tokens = new EntraTokenProvider({ requestTimeoutMs: settings.entraRequestTimeoutMs });
  const limiter = new MailboxLimiter(4);
  const gateways = new Map<string, GraphCalendarGateway>();
  const readCredentials = () => readExchangeCredentials(env);
  const calendars = (credentials: ExchangeCredentials) => {
    const key = credentialsFingerprint(credentials);
    let gateway = gateways.get(key);
    if (!gateway) {
      gateway = new GraphCalendarGateway(credentials, tokens, limiter, {
        requestTimeoutMs: settings.graphRequestTimeoutMs,
      });
      gateways.set(key, gateway);
    }
    return gateway;
  };
  const replaySender = new ServiceBusReplaySender(
    serviceBusClient(settings.serviceBus),
    settings.appointmentQueue,
  );
  const secrets = () => {
    const credentials = readCredentials();
    return credentials.ok ? [credentials.value.clientSecret] : [];
  };
  return {
    settings,
    stores,
    tokens,
    replaySender,
    secrets,
    processor: (log) => new ChangeProcessor({ ...stores, tokens, calendars, readCredentials, log }),
    retryPass: (log, clock) =>
      new RetryPass({
        ...clock,
        transactions: stores.transactions,
        resources: stores.resources,
        tokens,
        calendars,
        readCredentials,
        sender: replaySender,
        log,
        windowDays: settings.retryWindowDays,
      }),
  };
}

/** The process-wide connector, rebuilt when the infrastructure settings change. */
export function connector(env: Environment = process.env): Connector {
  const key = JSON.stringify([
    env.ServiceBusConnection,
    env.ServiceBusConnection__fullyQualifiedNamespace,
    env.TableStorageConnection,
    env.TableStorageConnection__tableServiceUri,
    env.APPOINTMENT_QUEUE,
    env.ENTRA_REQUEST_TIMEOUT_MS,
    env.GRAPH_REQUEST_TIMEOUT_MS,
  ]);
  if (current?.key !== key) current = { key, connector: buildConnector(env) };
  return current.connector;
}

/** A structured, redacted operational log over a sink: one JSON object per line. */
export function operationalLog(sink: LogSink, secrets: () => string[]): OperationalLog {
  const line = (level: string, message: string, properties: Record<string, unknown>) =>
    JSON.stringify(redactDeep({ level, event: message, ...properties }, secrets()));
  return {
    info: (message, properties) => sink.log(line('info', message, properties)),
    error: (message, properties) => sink.error(line('error', message, properties)),
  };
}
