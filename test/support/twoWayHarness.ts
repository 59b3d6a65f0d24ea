import { randomBytes } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import { ServiceBusClient, type ServiceBusReceiver } from '@azure/service-bus';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { definition as exchangeNotifications } from '../../functions/exchangeNotifications';
import { definition as graphNotifications } from '../../functions/graphNotifications';
import { periodicDelta } from '../../functions/periodicDelta';
import { renewSubscriptions } from '../../functions/renewSubscriptions';
import type { BusyBlockMessage } from '../../shared/domain/busyBlockChange';
import type { ExchangeChangeMessage } from '../../shared/domain/exchangeChange';
import { type RunningHttpFunctions, serveHttpFunctions } from '../../stand-ins/host/httpRunner';
import { type RunningQueue, runQueueFunction } from '../../stand-ins/host/queueRunner';
import { eventually } from './eventually';
import { type Harness, type HarnessOptions, startHarness } from './harness';

export const NOTIFICATIONS_QUEUE = 'exchange-notifications';
export const BACKOFFICE_QUEUE = 'backoffice-changes';

/** The harness plus two-way sync: the webhook served over HTTP, the notification queue run, the back-office queue read. */
export interface TwoWayHarness extends Harness {
  readonly webhookUrl: string;
  readonly clientState: string;
  /** Every message published to the back office so far, in arrival order. */
  readonly published: ExchangeChangeMessage[];
  /** Every busy block published so far (events the connector did not write), in arrival order. */
  readonly busyBlocks: BusyBlockMessage[];
  /** Resolves once Graph's notifications are delivered and the notification queue has none left. */
  settle(): Promise<void>;
  /** Tells `settle` that `count` more notifications are scheduled far ahead on purpose. */
  park(count: number): void;
  /** Runs the 15-minute timer's work now. */
  runPeriodicDelta(): Promise<void>;
  runRenewal(): Promise<void>;
}

function timerContext(name: string, logs: string[]): InvocationContext {
  return new InvocationContext({
    functionName: name,
    invocationId: `${name}:${Date.now()}`,
    logHandler: (level, ...args) => logs.push(`${level} ${args.map(String).join(' ')}`),
  });
}

const TIMER = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

export async function startTwoWayHarness(options: HarnessOptions = {}): Promise<TwoWayHarness> {
  let logs: string[] = [];
  const http: RunningHttpFunctions = await serveHttpFunctions([graphNotifications], {
    port: 0,
    host: '127.0.0.1',
    onLog: (level, args) => logs.push(`${level} ${args.map(String).join(' ')}`),
  });
  const clientState = randomBytes(24).toString('base64url');
  let harness: Harness;
  try {
    harness = await startHarness({
      ...options,
      settings: {
        EXCHANGE_NOTIFICATIONS_QUEUE: NOTIFICATIONS_QUEUE,
        BACKOFFICE_CHANGES_QUEUE: BACKOFFICE_QUEUE,
        GRAPH_WEBHOOK_BASE_URL: http.url,
        GRAPH_CLIENT_STATE: clientState,
        // Short, but long enough for a write in flight to be recorded before its echo is read.
        NOTIFICATION_DELAY_SECONDS: '2',
        ...options.settings,
      },
    });
  } catch (error) {
    await http.stop();
    throw error;
  }
  logs = harness.logs;
  const onLog = (level: string, args: unknown[]) =>
    harness.logs.push(`${level} ${args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ')}`);
  const queue: RunningQueue = await runQueueFunction(exchangeNotifications, { onLog });
  const client = new ServiceBusClient(harness.serviceBus.connectionString);
  const receiver: ServiceBusReceiver = client.createReceiver(BACKOFFICE_QUEUE, {
    receiveMode: 'receiveAndDelete',
  });
  const published: ExchangeChangeMessage[] = [];
  const busyBlocks: BusyBlockMessage[] = [];
  const subscription = receiver.subscribe({
    processMessage: async (message) => {
      const body = message.body as ExchangeChangeMessage | BusyBlockMessage;
      if (body.kind === 'busyBlock') busyBlocks.push(body);
      else published.push(body);
    },
    processError: async () => undefined,
  });
  const stats = () => harness.serviceBus.stats(NOTIFICATIONS_QUEUE);
  /** Notifications a test scheduled far ahead on purpose: settling does not wait for them. */
  let parked = 0;
  const backOffice = () => harness.serviceBus.stats(BACKOFFICE_QUEUE);
  const drained = () => {
    const now = backOffice();
    return now.active === 0 && now.locked === 0 && published.length + busyBlocks.length >= now.sentTotal;
  };
  return {
    ...harness,
    webhookUrl: `${http.url}/${http.routePrefix}/graph/notifications`,
    clientState,
    published,
    busyBlocks,
    async settle() {
      await harness.sandbox.graph.notificationsDelivered();
      await eventually(
        'the notification queue drained',
        () => stats().active === 0 && stats().locked === 0 && stats().scheduled === parked,
        15_000,
      );
      await eventually('the back-office queue read', drained, 15_000);
    },
    park(count) {
      parked += count;
    },
    async runPeriodicDelta() {
      await periodicDelta(TIMER, timerContext('periodicDelta', harness.logs));
      await eventually('the back-office queue read', drained, 15_000);
    },
    async runRenewal() {
      await renewSubscriptions(TIMER, timerContext('renewSubscriptions', harness.logs));
    },
    async stop() {
      await subscription.close();
      await receiver.close();
      await client.close();
      await queue.stop();
      await http.stop();
      await harness.stop();
    },
  };
}

/** One two-way harness for a test file, with the sandbox reset and the settings restored after each test. */
export function useTwoWayHarness(): () => TwoWayHarness {
  let harness: TwoWayHarness | undefined;
  beforeAll(async () => {
    harness = await startTwoWayHarness();
  });
  afterAll(async () => {
    await harness?.stop();
  });
  afterEach(() => {
    harness?.sandbox.graph.reset();
    for (const [name, value] of Object.entries(harness?.settings ?? {})) harness?.setSetting(name, value);
  });
  return () => {
    if (!harness) throw new Error('the two-way harness is not started yet');
    return harness;
  };
}
