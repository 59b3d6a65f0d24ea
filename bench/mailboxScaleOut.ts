import { randomUUID } from 'node:crypto';
import { EntraTokenProvider } from '../shared/adapters/entraTokenProvider';
import { GraphCalendarGateway } from '../shared/adapters/graphCalendarGateway';
import { MailboxLimiter } from '../shared/adapters/mailboxLimiter';
import type { ExchangeCredentials } from '../shared/domain/credentials';
import type { GraphEventPayload } from '../shared/domain/eventPayload';
import { readExchangeCredentials } from '../shared/settings';
import { startSandbox } from '../stand-ins/sandbox';
import { type Figure, inParallel } from './report';

const EVENT: GraphEventPayload = {
  subject: 'Bench',
  body: { contentType: 'text', content: '' },
  start: { dateTime: '2026-12-01T10:00:00', timeZone: 'Europe/Amsterdam' },
  end: { dateTime: '2026-12-01T11:00:00', timeZone: 'Europe/Amsterdam' },
  location: { displayName: 'Room' },
  isAllDay: false,
  showAs: 'busy',
};

/**
 * Benchmark 9: `instances` connector instances (each its own token cache, Graph client and mailbox
 * limiter allowing `perInstance` requests in flight) creating `creates` events each in ONE mailbox at
 * once, against the sandbox's limit of 4 concurrent requests per mailbox (429 MailboxConcurrency,
 * Retry-After 1 s). Counts the 429s per 1,000 requests, the requests refused (wasted), the time spent
 * waiting out Retry-After, and the creates that failed even after the in-process retries.
 */
export async function mailboxScaleOut(options: {
  instances: number;
  perInstance: number;
  /** The cap adapts to Retry-Afters (AIMD, the connector's default) or stays at `perInstance`. */
  adaptive: boolean;
  creates: number;
  latencyMs: number;
}): Promise<Figure[]> {
  const sandbox = await startSandbox({ latencyMs: options.latencyMs });
  try {
    const env = {
      EXCHANGE_TENANT_ID: sandbox.tenant.tenantId,
      EXCHANGE_CLIENT_ID: sandbox.tenant.clientId,
      EXCHANGE_CLIENT_SECRET: sandbox.tenant.clientSecret,
      EXCHANGE_AUTHORITY_HOST: sandbox.authorityHost,
      GRAPH_ENDPOINT: sandbox.graphEndpoint,
    };
    const credentials = readExchangeCredentials(env);
    if (!credentials.ok) throw new Error('bench credentials');
    const mailbox = `shared-room@${sandbox.tenant.domain}`;
    const gateways = Array.from({ length: options.instances }, () => {
      const tokens = new EntraTokenProvider({ requestTimeoutMs: 10_000 });
      const limiter = new MailboxLimiter(options.perInstance, options.adaptive);
      return new GraphCalendarGateway(credentials.value as ExchangeCredentials, tokens, limiter, {});
    });
    for (const gateway of gateways) await gateway.probe(mailbox);
    sandbox.graph.reset();
    let failed = 0;
    const started = Date.now();
    await Promise.all(
      gateways.map((gateway) =>
        inParallel(
          Array.from({ length: options.creates }, (_, i) => i),
          16,
          async () => {
            await gateway.createEvent(mailbox, EVENT, randomUUID()).catch(() => {
              failed++;
            });
          },
        ),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    const log = sandbox.graph.counters.requestLog(mailbox);
    const refused = log.filter((entry) => entry.status === 429);
    const waitedSeconds = refused.reduce((sum, entry) => sum + (entry.retryAfterSeconds ?? 0), 0);
    const cap = options.adaptive
      ? `adaptive cap from ${options.perInstance}`
      : `${options.perInstance} in flight`;
    const b = `9 one mailbox, ${options.instances} instances × ${cap}`;
    const total = log.length;
    return [
      { benchmark: b, figure: 'requests', value: total, unit: '', goal: 'report' },
      {
        benchmark: b,
        figure: '429s per 1,000 requests',
        value: Math.round((refused.length * 1000) / total),
        unit: '',
        goal: 'low',
      },
      {
        benchmark: b,
        figure: 'wasted requests (429 MailboxConcurrency)',
        value: refused.length,
        unit: '',
        goal: 'low',
      },
      {
        benchmark: b,
        figure: 'Retry-After seconds handed out (sum)',
        value: waitedSeconds,
        unit: 's',
        goal: 'low',
      },
      { benchmark: b, figure: 'creates failed after in-process retries', value: failed, unit: '', goal: '0' },
      {
        benchmark: b,
        figure: `wall time for ${options.instances * options.creates} creates`,
        value: Number(seconds.toFixed(1)),
        unit: 's',
        goal: 'report',
      },
      {
        benchmark: b,
        figure: 'peak in flight at the mailbox',
        value: sandbox.graph.counters.peakConcurrency(mailbox),
        unit: '',
        goal: '≤ 4',
      },
    ];
  } finally {
    await sandbox.stop();
  }
}
