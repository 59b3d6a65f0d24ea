import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../stand-ins/sandbox';

const started: Sandbox[] = [];

afterAll(async () => {
  await Promise.all(started.map((sandbox) => sandbox.stop()));
});

interface Connected {
  readonly sandbox: Sandbox;
  readonly token: string;
}

async function connect(options: Parameters<typeof startSandbox>[0] = {}): Promise<Connected> {
  const sandbox = await startSandbox(options);
  started.push(sandbox);
  const response = await fetch(`${sandbox.authorityHost}/${sandbox.tenant.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sandbox.tenant.clientId,
      client_secret: sandbox.tenant.clientSecret,
      scope: `${sandbox.graphEndpoint}/.default`,
    }),
  });
  return { sandbox, token: ((await response.json()) as { access_token: string }).access_token };
}

const mailbox = (sandbox: Sandbox, name = 'room') =>
  `${name}-${randomUUID().slice(0, 8)}@${sandbox.tenant.domain}`;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

async function call(
  { sandbox, token }: Connected,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${sandbox.graphEndpoint}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: text ? JSON.parse(text) : {},
  };
}

describe('Graph sandbox: per-mailbox limits', () => {
  let connected: Connected;

  beforeAll(async () => {
    connected = await connect();
  });

  it('more than 4 requests in flight to one mailbox: 429 ApplicationThrottled (MailboxConcurrency)', async () => {
    const room = mailbox(connected.sandbox);
    connected.sandbox.graph.setMailboxLatency(room, 300);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call(connected, 'GET', `/users/${room}/events`)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const throttled = answers.filter((answer) => answer.status === 429);
    for (const answer of throttled) {
      expect(answer.body.error).toMatchObject({
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxConcurrency limit.',
      });
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    const { counters } = connected.sandbox.graph;
    expect(counters.peakConcurrency(room)).toBe(5);
    expect(counters.throttled('mailboxConcurrency')).toBe(2);
    expect(counters.requests(room)).toBe(6);
    expect(await call(connected, 'GET', `/users/${mailbox(connected.sandbox)}/events`)).toMatchObject({
      status: 200,
    });
  });

  it('a batch runs at most 4 steps per mailbox at once, so its steps are never throttled for concurrency', async () => {
    const room = mailbox(connected.sandbox);
    const other = mailbox(connected.sandbox, 'other');
    connected.sandbox.graph.setMailboxLatency(room, 100);
    const requests = Array.from({ length: 10 }, (_, index) => ({
      id: String(index + 1),
      method: 'POST',
      url: `/users/${index < 8 ? room : other}/events`,
      headers: { 'Content-Type': 'application/json' },
      body: { subject: `Event ${index + 1}`, transactionId: `batch-${index + 1}` },
    }));
    const before = connected.sandbox.graph.counters.throttled();
    const answer = await call(connected, 'POST', '/$batch', { requests });
    expect(answer.status).toBe(200);
    const responses = answer.body.responses as Array<{
      id: string;
      status: number;
      body: { subject: string };
    }>;
    expect(responses.map((response) => [response.id, response.status])).toEqual(
      requests.map((request) => [request.id, 201]),
    );
    expect(responses[0]?.body.subject).toBe('Event 1');
    expect(connected.sandbox.graph.events(room)).toHaveLength(8);
    expect(connected.sandbox.graph.events(other)).toHaveLength(2);
    expect(connected.sandbox.graph.counters.peakConcurrency(room)).toBe(4);
    expect(connected.sandbox.graph.counters.throttled()).toBe(before);
    expect(connected.sandbox.graph.counters.requestLog(room).every((entry) => entry.inBatch)).toBe(true);
  });
});

describe('Graph sandbox: requests per window', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('over requestsPerWindow: 429 with Retry-After until the window closes; other mailboxes unaffected', async () => {
    const connected = await connect({ requestsPerWindow: 3, windowMs: 1000 });
    // The sandbox's clock is faked (only Date; sockets and timers stay real), so the window closes when told.
    vi.useFakeTimers({ toFake: ['Date'] });
    const room = mailbox(connected.sandbox);
    for (let index = 0; index < 3; index++)
      expect((await call(connected, 'GET', `/users/${room}/events`)).status).toBe(200);
    const refused = await call(connected, 'GET', `/users/${room}/events`);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('ApplicationThrottled');
    expect(refused.retryAfter).toBe('1');
    expect((await call(connected, 'GET', `/users/${mailbox(connected.sandbox)}/events`)).status).toBe(200);
    expect(connected.sandbox.graph.counters.throttled('requestLimit')).toBe(1);

    vi.setSystemTime(Date.now() + Number(refused.retryAfter) * 1000 - 1);
    expect((await call(connected, 'GET', `/users/${room}/events`)).status).toBe(429);
    vi.setSystemTime(Date.now() + 1);
    expect((await call(connected, 'GET', `/users/${room}/events`)).status).toBe(200);
    const log = connected.sandbox.graph.counters.requestLog(room);
    expect(log.map((entry) => [entry.method, entry.status, entry.retryAfterSeconds])).toEqual([
      ['GET', 200, undefined],
      ['GET', 200, undefined],
      ['GET', 200, undefined],
      ['GET', 429, Number(refused.retryAfter)],
      ['GET', 429, Number(refused.retryAfter)],
      ['GET', 200, undefined],
    ]);
    const [throttledEntry, , nextEntry] = log.slice(3);
    expect((nextEntry?.time ?? 0) - (throttledEntry?.time ?? 0)).toBeGreaterThanOrEqual(
      Number(refused.retryAfter) * 1000,
    );
    expect(log[0]?.path).toBe(`/v1.0/users/${room}/events`);
  });
});

describe('Graph sandbox: $batch', () => {
  let connected: Connected;

  beforeAll(async () => {
    connected = await connect();
  });

  it('refuses more than 20 requests', async () => {
    const requests = Array.from({ length: 21 }, (_, index) => ({
      id: String(index),
      method: 'GET',
      url: `/users/${mailbox(connected.sandbox)}/events`,
    }));
    const answer = await call(connected, 'POST', '/$batch', { requests });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('BadRequest');
  });

  it('refuses a step with a body but no Content-Type', async () => {
    const requests = [
      { id: '1', method: 'POST', url: `/users/${mailbox(connected.sandbox)}/events`, body: {} },
    ];
    expect((await call(connected, 'POST', '/$batch', { requests })).status).toBe(400);
  });

  it('answers each step with its own status, headers and body; a failed dependency is 424', async () => {
    const room = mailbox(connected.sandbox);
    connected.sandbox.graph.failMailbox(room, 'throttled', { times: 1, retryAfterSeconds: 4 });
    const json = { 'Content-Type': 'application/json' };
    const answer = await call(connected, 'POST', '/$batch', {
      requests: [
        { id: 'a', method: 'POST', url: `/users/${room}/events`, headers: json, body: { subject: 'A' } },
        {
          id: 'b',
          method: 'POST',
          url: `/users/${room}/events`,
          headers: json,
          body: { subject: 'B' },
          dependsOn: ['a'],
        },
        { id: 'c', method: 'GET', url: `/v1.0/users/${room}/events` },
        { id: 'd', method: 'GET', url: `users/someone@fabrikam.example/events` },
      ],
    });
    expect(answer.status).toBe(200);
    const byId = Object.fromEntries(
      (
        answer.body.responses as Array<{
          id: string;
          status: number;
          headers: Record<string, string>;
          body: Answer['body'];
        }>
      ).map((response) => [response.id, response]),
    );
    expect(byId.a).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '4' },
      body: { error: { code: 'ApplicationThrottled' } },
    });
    expect(byId.b).toMatchObject({ status: 424 });
    expect(byId.c).toMatchObject({
      status: 400,
      body: { error: { message: "Resource not found for the segment 'v1.0'." } },
    });
    expect(byId.d).toMatchObject({ status: 404, body: { error: { code: 'ErrorInvalidUser' } } });
    expect(connected.sandbox.graph.events(room)).toHaveLength(0);
  });

  it('a step whose mailbox resets the connection resets the batch', async () => {
    const room = mailbox(connected.sandbox);
    connected.sandbox.graph.failMailbox(room, 'reset', { times: 1 });
    await expect(
      call(connected, 'POST', '/$batch', {
        requests: [{ id: '1', method: 'GET', url: `/users/${room}/events` }],
      }),
    ).rejects.toThrow();
  });
});

describe('Graph sandbox: counters', () => {
  it('keeps a bounded request log, oldest first, and resets', async () => {
    const connected = await connect({ requestLogSize: 3 });
    const room = mailbox(connected.sandbox);
    for (const subject of ['1', '2', '3', '4', '5'])
      await call(connected, 'POST', `/users/${room}/events`, { subject, transactionId: subject });
    const { counters } = connected.sandbox.graph;
    expect(counters.requestLog()).toHaveLength(3);
    expect(counters.requests(room)).toBe(5);
    expect(counters.summary()).toMatchObject({ totalRequests: 5, requestsByMailbox: { [room]: 5 } });
    expect(counters.summary().heldMs).toBeGreaterThan(0);
    connected.sandbox.graph.reset();
    expect(counters.summary().heldMs).toBe(0);
    expect(counters.requestLog()).toEqual([]);
    expect(counters.requests(room)).toBe(0);
    expect(counters.eventsCreated(room, '1')).toBe(0);
    expect(connected.sandbox.graph.events(room)).toEqual([]);
  });
});
