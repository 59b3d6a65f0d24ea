import { remoteStandIns } from './remoteStandIns';
import { type Figure, median } from './report';
import { benchConnector, change } from './throughput';

const quiet = { info: () => {}, error: () => {} };

async function wallMs(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function medianWall(runs: number, work: (i: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await wallMs(() => work(i)));
  return median(samples);
}

/**
 * Benchmark 8: an appointment with `resources` resources in as many mailboxes, Graph answering
 * after `latencyMs`: the wall time of its create through the connector (its resources are written
 * in parallel) against a create of one resource; then, outside the connector, the same writes as
 * parallel requests and as one `$batch`.
 */
export async function multiResource(runs = 20, resources = 10, latencyMs = 50): Promise<Figure[]> {
  const standIns = await remoteStandIns({ latencyMs });
  const connector = benchConnector(standIns);
  try {
    const { domain } = standIns.tenant;
    const processor = connector.processor(quiet);
    const mailboxes = (i: number) => Array.from({ length: resources }, (_, r) => `multi-${i}-${r}@${domain}`);
    for (let i = 0; i < 5; i++) await processor.process(change(`multi-warm-${i}`, 1, mailboxes(1000 + i)));
    const one = await medianWall(runs, (i) =>
      processor.process(change(`single-${i}`, 1, [`single-${i}@${domain}`])),
    );
    const many = await medianWall(runs, (i) => processor.process(change(`multi-${i}`, 1, mailboxes(i))));

    const credentials = connector.credentials();
    if (!credentials.ok) throw new Error('the bench tenant has no credentials');
    const token = await connector.tokens.acquireToken(credentials.value);
    const base = `${standIns.graphEndpoint}/v1.0`;
    const event = change('raw', 1, []).appointment;
    const payload = {
      subject: event.subject,
      start: { dateTime: event.start, timeZone: 'UTC' },
      end: { dateTime: event.end, timeZone: 'UTC' },
    };
    // Plain fetch for both, so that they differ only in the number of requests.
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      return response.json();
    };
    const parallel = await medianWall(runs, (i) =>
      Promise.all(mailboxes(2000 + i).map((mailbox) => post(`/users/${mailbox}/events`, payload))),
    );
    const batch = await medianWall(runs, (i) =>
      post('/$batch', {
        requests: mailboxes(3000 + i).map((mailbox, step) => ({
          id: String(step + 1),
          method: 'POST',
          url: `/users/${mailbox}/events`,
          headers: { 'Content-Type': 'application/json' },
          body: payload,
        })),
      }),
    );
    const b = `8 multi-resource (${resources} resources in ${resources} mailboxes, ${latencyMs} ms latency)`;
    return [
      {
        benchmark: b,
        figure: 'wall time of a create through the connector, median',
        value: Math.round(many),
        unit: `ms (one resource: ${Math.round(one)} ms)`,
        goal: '≈ one Graph round trip (within 1.5 × a create of one resource)',
        met: many <= 1.5 * one,
      },
      {
        benchmark: b,
        figure: `the same writes outside the connector: ${resources} parallel requests / one $batch, median`,
        value: Math.round(parallel),
        unit: `ms parallel ($batch ${Math.round(batch)} ms)`,
        goal: 'report',
      },
    ];
  } finally {
    await connector.close();
    await standIns.stop();
  }
}
