import { randomUUID } from 'node:crypto';
import { buildConnector, type Connector } from '../shared/connector';
import type { Environment } from '../shared/settings';
import { type Readings, type RemoteStandIns, remoteStandIns } from './remoteStandIns';
import { type Figure, inParallel } from './report';

/** An operational log that drops every line (the benchmarks measure the work, not the sink). */
export const quiet = { info: () => {}, error: () => {} };

export function change(
  appointmentId: string,
  version: number,
  mailboxes: readonly string[],
  operation: 'upsert' | 'delete' = 'upsert',
) {
  return {
    kind: 'appointment',
    changeId: randomUUID(),
    appointmentId,
    version,
    operation,
    appointment: {
      subject: `Bench ${appointmentId} v${version}`,
      start: '2026-12-01T10:00:00+01:00',
      end: '2026-12-01T11:00:00+01:00',
      timeZone: 'Europe/Amsterdam',
      location: 'Room',
      body: '',
      isAllDay: false,
      resources: mailboxes.map((mailbox, i) => ({
        id: `R-${i + 1}`,
        name: `Room ${i + 1}`,
        mailbox,
        exchangeEnabled: true,
      })),
    },
  };
}

/** The connector's settings for stand-ins that run in another process. */
/** Two-way sync on: the sync path also asks for subscriptions (a queue send, no table operation). */
const TWO_WAY: Environment = {
  GRAPH_WEBHOOK_BASE_URL: 'https://bench.invalid',
  GRAPH_CLIENT_STATE: 'bench-client-state-of-32-chars..',
};

export function benchConnector(standIns: RemoteStandIns, extra: Environment = {}): Connector {
  const env: Environment = {
    EXCHANGE_TENANT_ID: standIns.tenant.tenantId,
    EXCHANGE_CLIENT_ID: standIns.tenant.clientId,
    EXCHANGE_CLIENT_SECRET: standIns.tenant.clientSecret,
    EXCHANGE_AUTHORITY_HOST: standIns.authorityHost,
    GRAPH_ENDPOINT: standIns.graphEndpoint,
    TableStorageConnection: standIns.tableConnectionString,
    ServiceBusConnection: standIns.serviceBusConnectionString,
    ...extra,
  };
  return buildConnector(env);
}

/** CPU time this process used since `since`, in ms. */
export function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/**
 * Benchmarks 1–4: `changes` creates over `mailboxes` mailboxes through the change processor, with
 * Graph (in the stand-ins' process) answering after `latencyMs` and enforcing its per-mailbox
 * limits; then updates and deletes of a sample to count requests and table operations per operation.
 */
export async function throughput(options: {
  changes: number;
  mailboxes: number;
  latencyMs: number;
  concurrency: number;
  label: string;
  twoWay?: boolean;
}): Promise<Figure[]> {
  const standIns = await remoteStandIns({ latencyMs: options.latencyMs });
  const connector = benchConnector(standIns, options.twoWay ? TWO_WAY : {});
  try {
    const domain = standIns.tenant.domain;
    const processor = connector.processor(quiet);
    const mailboxOf = (i: number) => [`room-${i % options.mailboxes}@${domain}`];
    const creates = Array.from({ length: options.changes }, (_, i) => change(`A-${i}`, 1, mailboxOf(i)));
    // Warm up: table creation, MSAL application, TLS sessions, the resource state cache.
    await processor.process(change('warm-up', 1, [`warm-up@${domain}`]));
    await standIns.reset();
    const tableOps = () => connector.stores.operationCount();
    const opsBefore = tableOps();
    const standInsCpuBefore = (await standIns.readings()).cpuMs;
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    let unsynced = 0;
    await inParallel(creates, options.concurrency, async (body) => {
      if ((await processor.process(body))?.status !== 'Success') unsynced++;
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const connectorCpu = cpuMs(cpuBefore) / 1000;
    const counters = await standIns.readings();
    const standInsCpu = (counters.cpuMs - standInsCpuBefore) / 1000;
    const graphRequests = counters.totalRequests;
    const perMailboxCeiling = 4 / (options.latencyMs / 1000);
    // Per mailbox: 4 in flight at `latencyMs` each, and at most 10,000 requests in a 10-minute window
    // (which a run shorter than the window may spend in a burst).
    const ceiling = options.mailboxes * Math.min(perMailboxCeiling, 10_000 / Math.min(seconds, 600));
    const achieved = graphRequests / seconds;
    const perCreate = (tableOps() - opsBefore) / options.changes;

    const sample = creates.slice(0, Math.min(500, options.changes));
    const measure = async (build: (body: (typeof creates)[number]) => unknown) => {
      const requestsBefore = (await standIns.readings()).totalRequests;
      const opsAt = tableOps();
      await inParallel(sample, options.concurrency, async (body) => {
        await processor.process(build(body));
      });
      const requests = (await standIns.readings()).totalRequests - requestsBefore;
      return { requests: requests / sample.length, tableOps: (tableOps() - opsAt) / sample.length };
    };
    const mailboxesOf = (body: (typeof creates)[number]) => body.appointment.resources.map((r) => r.mailbox);
    const update = await measure((body) => change(body.appointmentId, 2, mailboxesOf(body)));
    const remove = await measure((body) => change(body.appointmentId, 3, mailboxesOf(body), 'delete'));
    const b = `1 throughput (${options.label})`;
    const per = (value: number) => Number(value.toFixed(2));
    return [
      ...slotFigures(b, counters, { ...options, seconds, achieved }),
      {
        benchmark: b,
        figure: `changes per second (${options.changes.toLocaleString('en')} creates, ${options.mailboxes} mailboxes, ${options.latencyMs} ms latency, ${options.concurrency} in flight)`,
        value: Math.round(options.changes / seconds),
        unit: 'changes/s',
        goal: `ceiling ${Math.round(ceiling).toLocaleString('en')} req/s`,
      },
      {
        benchmark: b,
        figure: 'fraction of the ceiling Graph’s per-mailbox limits allow',
        value: Number((achieved / ceiling).toFixed(3)),
        unit: '',
        goal: 'report',
      },
      {
        benchmark: b,
        figure: 'connector CPU per change over the run / cores busy in the connector and the stand-ins',
        value: per((connectorCpu * 1000) / options.changes),
        unit: `ms (connector ${(connectorCpu / seconds).toFixed(2)} cores, stand-ins ${(standInsCpu / seconds).toFixed(2)} cores)`,
        goal: 'report (a connector near 1.00 core is CPU-bound)',
      },
      {
        benchmark: b,
        figure: 'creates not recorded Success',
        value: unsynced,
        unit: '',
        goal: '0 (otherwise the figures measure failures)',
        met: unsynced === 0,
      },
      {
        benchmark: b,
        figure: '429s received',
        value: counters.throttled,
        unit: '',
        goal: '0',
        met: counters.throttled === 0,
      },
      {
        benchmark: b,
        figure: 'peak concurrent requests to one mailbox',
        value: counters.peakConcurrency,
        unit: '',
        goal: '≤ 4',
        met: counters.peakConcurrency <= 4,
      },
      {
        benchmark: `2 tokens (${options.label})`,
        figure: 'token requests per 1,000 changes',
        value: Number(((counters.tokenRequests / options.changes) * 1000).toFixed(2)),
        unit: '',
        goal: '≤ 1 per instance',
        met: counters.tokenRequests <= 1,
      },
      {
        benchmark: `3 Graph requests (${options.label})`,
        figure: 'per create / update / delete of one resource',
        value: Number((graphRequests / options.changes).toFixed(3)),
        unit: `create (update ${update.requests.toFixed(3)}, delete ${remove.requests.toFixed(3)})`,
        goal: '1 each',
        met: graphRequests === options.changes && update.requests === 1 && remove.requests === 1,
      },
      {
        benchmark: `4 table operations (${options.label})`,
        figure: 'per first sync / update / delete of one resource',
        value: per(perCreate),
        unit: `first sync (update ${per(update.tableOps)}, delete ${per(remove.tableOps)})`,
        goal: '≤ 3 each',
        met: perCreate <= 3 && update.tableOps <= 3 && remove.tableOps <= 3,
      },
    ];
  } finally {
    await connector.close();
    await standIns.stop();
  }
}

/**
 * Whether the connector leaves Graph's slots idle, from the time Graph held each admitted request
 * (latency and the stand-ins' own delays included): the slots busy per mailbox, time-averaged, and
 * the fraction of the ceiling that hold time allows (4 slots per mailbox / mean hold).
 */
function slotFigures(
  benchmark: string,
  counters: Readings,
  run: { mailboxes: number; latencyMs: number; seconds: number; achieved: number },
): Figure[] {
  const held = counters.graphHeldMs;
  if (held === undefined || counters.totalRequests === 0) return [];
  const meanHoldMs = held / counters.totalRequests;
  const busy = held / (run.seconds * 1000) / run.mailboxes;
  const allowed = (run.mailboxes * 4) / (meanHoldMs / 1000);
  return [
    {
      benchmark,
      figure: 'Graph slots busy per mailbox, time-averaged (of 4)',
      value: Number(busy.toFixed(2)),
      unit: `slots (Graph held a request ${meanHoldMs.toFixed(1)} ms on average, latency ${run.latencyMs} ms)`,
      goal: 'report (near 4: no idle slots)',
    },
    {
      benchmark,
      figure: 'fraction of the ceiling at the hold time Graph took',
      value: Number((run.achieved / allowed).toFixed(3)),
      unit: `of ${Math.round(allowed).toLocaleString('en')} req/s`,
      goal: 'report',
    },
  ];
}
