import { randomUUID } from 'node:crypto';
import { type Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GraphFailureKind, type Sandbox, startSandbox } from '../../stand-ins/sandbox';
import { eventually } from '../support/eventually';
import { appToken, graphClient } from '../support/sandboxGraphClient';

let sandbox: Sandbox;
let client: Client;
let token: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  token = await appToken(sandbox);
  client = graphClient(sandbox, () => token);
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(() => {
  sandbox.graph.reset();
});

const mailbox = (name = 'room') => `${name}-${randomUUID().slice(0, 8)}@${sandbox.tenant.domain}`;
const events = (address: string, eventId?: string) =>
  `/users/${encodeURIComponent(address)}/events${eventId ? `/${encodeURIComponent(eventId)}` : ''}`;

/** One attempt only: the client's retry handler would otherwise retry 429/503/504 itself. */
const once = (path: string) => client.api(path).middlewareOptions([new RetryHandlerOptions(0, 0)]);

async function graphError(request: Promise<unknown>): Promise<GraphError> {
  const error: unknown = await request.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(error)}`);
  return error;
}

const appointment = {
  subject: 'Annual review',
  body: { contentType: 'html', content: '<p>Bring the <b>figures</b></p>' },
  start: { dateTime: '2026-12-01T10:00:00', timeZone: 'W. Europe Standard Time' },
  end: { dateTime: '2026-12-01T11:00:00', timeZone: 'W. Europe Standard Time' },
  location: { displayName: 'Room 4' },
  isAllDay: false,
};

describe('Graph sandbox: calendars through the real Graph client', () => {
  it('creates, reads, updates and deletes an event', async () => {
    const room = mailbox();
    const created = await client.api(events(room)).post({ ...appointment, transactionId: 'tx-1' });
    expect(created).toMatchObject({
      ...appointment,
      transactionId: 'tx-1',
      bodyPreview: 'Bring the figures',
    });
    expect(created.id).toMatch(/^AAMk/);
    expect(created['@odata.etag']).toMatch(/^W\/"/);
    expect(await client.api(events(room, created.id)).get()).toMatchObject({
      id: created.id,
      subject: 'Annual review',
    });

    const updated = await client
      .api(events(room, created.id))
      .patch({ subject: 'Moved', location: { displayName: 'Room 5' } });
    expect(updated).toMatchObject({ id: created.id, subject: 'Moved', location: { displayName: 'Room 5' } });
    expect(sandbox.graph.events(room).map((event) => event.subject)).toEqual(['Moved']);

    await client.api(events(room, created.id)).delete();
    expect(sandbox.graph.events(room)).toEqual([]);
    const missing = await graphError(client.api(events(room, created.id)).get());
    expect([missing.statusCode, missing.code]).toEqual([404, 'ErrorItemNotFound']);
    expect(missing.message).toBe('The specified object was not found in the store.');
  });

  it('a second POST with the same transactionId returns the existing event and creates nothing', async () => {
    const room = mailbox();
    const first = await client.api(events(room)).post({ ...appointment, transactionId: 'tx-dup' });
    const second = await client
      .api(events(room))
      .post({ ...appointment, subject: 'Again', transactionId: 'tx-dup' });
    expect(second.id).toBe(first.id);
    expect(sandbox.graph.events(room)).toHaveLength(1);
    expect(sandbox.graph.counters.eventsCreated(room, 'tx-dup')).toBe(1);
  });

  it('an event deleted in Outlook is gone for the API, and can be created again', async () => {
    const room = mailbox();
    const first = await client.api(events(room)).post({ ...appointment, transactionId: 'tx-outlook' });
    expect(sandbox.graph.deleteInOutlook(room, first.id)).toBe(true);
    expect(sandbox.graph.counters.requests(room)).toBe(1);
    const patch = await graphError(client.api(events(room, first.id)).patch({ subject: 'x' }));
    expect([patch.statusCode, patch.code]).toEqual([404, 'ErrorItemNotFound']);
    const again = await client.api(events(room)).post({ ...appointment, transactionId: 'tx-outlook' });
    expect(again.id).not.toBe(first.id);
    expect(sandbox.graph.counters.eventsCreated(room, 'tx-outlook')).toBe(2);
  });

  it('lists events with $top and $select, as a probe would', async () => {
    const room = mailbox();
    await client.api(events(room)).post(appointment);
    await client.api(events(room)).post(appointment);
    const page = await client.api(events(room)).query({ $top: '1', $select: 'id' }).get();
    expect(page.value).toHaveLength(1);
    expect(Object.keys(page.value[0]).sort()).toEqual(['@odata.etag', 'id']);
  });

  it('reads a user by UPN and by id; an unknown one is 404 in the directory shape', async () => {
    const room = mailbox('Meeting.Room');
    const user = await client.api(`/users/${encodeURIComponent(room)}`).get();
    expect(user).toMatchObject({ userPrincipalName: room.toLowerCase(), mail: room.toLowerCase() });
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await client.api(`/users/${user.id}`).get()).userPrincipalName).toBe(room.toLowerCase());
    await client.api(events(user.id)).post(appointment);
    expect(sandbox.graph.events(room)).toHaveLength(1);

    const unknown = await graphError(client.api('/users/someone@fabrikam.example').get());
    expect([unknown.statusCode, unknown.code]).toEqual([404, 'Request_ResourceNotFound']);
  });

  it("an address outside the tenant's domains is ErrorInvalidUser, in Graph's error shape", async () => {
    const error = await graphError(client.api(events('someone@fabrikam.example')).post(appointment));
    expect([error.statusCode, error.code]).toEqual([404, 'ErrorInvalidUser']);
    expect(error.message).toBe("The requested user 'someone@fabrikam.example' is invalid.");
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.headers?.get('request-id')).toBe(error.requestId);
    const body = JSON.parse(String(error.body)) as { innerError: Record<string, string> };
    expect(Object.keys(body.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
  });
});

describe('Graph sandbox: authentication', () => {
  it.each<[string, () => string, string]>([
    ['no token', () => '', 'Access token is empty.'],
    [
      'a token Entra never issued',
      () => 'not-a-token',
      'CompactToken parsing failed with error code: 80049217',
    ],
  ])('%s is 401 InvalidAuthenticationToken', async (_name, accessToken, message) => {
    const response = await fetch(`${sandbox.graphEndpoint}/v1.0/users/${mailbox()}/events`, {
      headers: accessToken() ? { authorization: `Bearer ${accessToken()}` } : {},
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message } });
  });

  it('an expired token is 401 InvalidAuthenticationToken through the client', async () => {
    const shortLived = await startSandbox({ tokenLifetimeSeconds: 1 });
    try {
      const expiring = await appToken(shortLived);
      const shortClient = graphClient(shortLived, () => expiring);
      const address = `room@${shortLived.tenant.domain}`;
      await shortClient.api(events(address)).get();
      const error = await eventually('the token expired', async () => {
        const answer = await graphError(shortClient.api(events(address)).get()).catch(() => undefined);
        return answer?.statusCode === 401 ? answer : undefined;
      });
      expect([error.statusCode, error.code, error.message]).toEqual([
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
      ]);
    } finally {
      await shortLived.stop();
    }
  });
});

describe('Graph sandbox: mailbox scenarios', () => {
  it.each<[GraphFailureKind, number, string, string | null]>([
    ['invalidUser', 404, 'ErrorInvalidUser', null],
    ['mailboxNotEnabled', 404, 'MailboxNotEnabledForRESTAPI', null],
    ['accessDenied', 403, 'ErrorAccessDenied', null],
    ['unauthorized', 401, 'InvalidAuthenticationToken', null],
    ['itemNotFound', 404, 'ErrorItemNotFound', null],
    ['throttled', 429, 'ApplicationThrottled', '9'],
    ['serverError', 500, 'InternalServerError', null],
    ['unavailable', 503, 'ServiceUnavailable', '9'],
    ['gatewayTimeout', 504, 'UnknownError', null],
  ])('%s → %d %s, for the next request only', async (kind, status, code, retryAfter) => {
    const room = mailbox();
    sandbox.graph.failMailbox(room, kind, { times: 1, retryAfterSeconds: 9 });
    const error = await graphError(once(events(room)).post(appointment));
    expect([error.statusCode, error.code]).toEqual([status, code]);
    expect(error.headers?.get('retry-after') ?? null).toBe(retryAfter);
    expect(sandbox.graph.events(room)).toHaveLength(0);
    await once(events(room)).post(appointment);
    expect(sandbox.graph.events(room)).toHaveLength(1);
  });

  it('access denied carries the message Exchange sends', async () => {
    const room = mailbox();
    sandbox.graph.failMailbox(room, 'accessDenied');
    const error = await graphError(once(events(room)).get());
    expect(error.message).toBe('Access is denied. Check credentials and try again.');
    sandbox.graph.clearMailbox(room);
    await expect(once(events(room)).get()).resolves.toMatchObject({ value: [] });
  });

  it('a persistent failure lasts until cleared; other mailboxes are unaffected', async () => {
    const room = mailbox();
    sandbox.graph.failMailbox(room, 'mailboxNotEnabled');
    for (let attempt = 0; attempt < 3; attempt++)
      expect((await graphError(once(events(room)).get())).code).toBe('MailboxNotEnabledForRESTAPI');
    await expect(once(events(mailbox())).get()).resolves.toMatchObject({ value: [] });
  });

  it('a reset connection reaches the client as a network error (statusCode -1)', async () => {
    const room = mailbox();
    sandbox.graph.failMailbox(room, 'reset', { times: 1 });
    const error = await graphError(once(events(room)).post(appointment));
    expect(error.statusCode).toBe(-1);
    expect(sandbox.graph.counters.requestLog(room).map((entry) => entry.status)).toEqual([0]);
  });

  it('answers any other status and code asked for', async () => {
    const room = mailbox();
    sandbox.graph.failMailbox(
      room,
      { status: 418, code: 'ErrorTeapot', message: 'Short and stout.' },
      { times: 1 },
    );
    const error = await graphError(once(events(room)).get());
    expect([error.statusCode, error.code, error.message]).toEqual([418, 'ErrorTeapot', 'Short and stout.']);
  });

  it('answers with a recorded status, headers and body as they were', async () => {
    const room = mailbox();
    const body =
      '{"error":{"code":"ApplicationThrottled","message":"Application is over its MailboxConcurrency limit."}}';
    sandbox.graph.failMailbox(
      room,
      {
        recorded: { status: 429, headers: { 'Content-Type': 'application/json', 'Retry-After': '6' }, body },
      },
      { times: 1 },
    );
    const error = await graphError(once(events(room)).get());
    expect([error.statusCode, error.code, error.headers?.get('retry-after')]).toEqual([
      429,
      'ApplicationThrottled',
      '6',
    ]);
    expect(sandbox.graph.counters.requestLog(room).map((entry) => entry.status)).toEqual([429]);
    await expect(once(events(room)).get()).resolves.toMatchObject({ value: [] });
  });

  it('adds latency to one mailbox: a later request to another mailbox is answered while it waits', async () => {
    const slow = mailbox('slow');
    const fast = mailbox('fast');
    sandbox.graph.setMailboxLatency(slow, 1_000);
    const answers: string[] = [];
    const slowDone = once(events(slow))
      .get()
      .then(() => answers.push(slow));
    await eventually('the slow request arrived', () => sandbox.graph.counters.requestLog(slow).length === 1);
    await once(events(fast)).get();
    answers.push(fast);
    const inFlight = sandbox.graph.counters.requestLog(slow).map((entry) => entry.status);
    await slowDone;
    expect(answers).toEqual([fast, slow]);
    expect(inFlight).toEqual([undefined]);
  });
});
