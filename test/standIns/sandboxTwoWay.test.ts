import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../stand-ins/sandbox';
import { appToken, graphClient } from '../support/sandboxGraphClient';

/** A webhook as the connector's must be: echoes validation tokens, records what Graph posts. */
interface Webhook {
  readonly url: string;
  readonly received: Array<Record<string, unknown>>;
  /** How the next validation requests are answered. */
  mode: 'echo' | 'wrong' | 'json' | 'silent';
}

let sandbox: Sandbox;
let client: Client;
let server: Server;
let webhook: Webhook;

beforeAll(async () => {
  sandbox = await startSandbox();
  const token = await appToken(sandbox);
  client = graphClient(sandbox, () => token);
  const received: Array<Record<string, unknown>> = [];
  webhook = { url: '', received, mode: 'echo' };
  server = createServer((request, response) => {
    const validationToken = new URL(request.url ?? '/', 'http://x').searchParams.get('validationToken');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (validationToken !== null) {
        if (webhook.mode === 'silent') return; // never answers: Graph gives up after its timeout
        const body = webhook.mode === 'wrong' ? 'something else' : validationToken;
        const type = webhook.mode === 'json' ? 'application/json' : 'text/plain';
        response.writeHead(200, { 'Content-Type': type }).end(body);
        return;
      }
      const posted = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        value: Record<string, unknown>[];
      };
      received.push(...posted.value.map((item) => ({ ...item, path: request.url })));
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhook = Object.assign(webhook, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});

afterAll(async () => {
  await sandbox?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

afterEach(() => {
  sandbox.graph.reset();
  webhook.received.length = 0;
  webhook.mode = 'echo';
});

const TAG = 'String {6f1d7a36-3f0e-4f43-9d55-2b1c7d8e9a10} Name ExchangeConnectorTag';
const mailbox = () => `room-${randomUUID().slice(0, 8)}@${sandbox.tenant.domain}`;
const api = (path: string) => client.api(path).middlewareOptions([new RetryHandlerOptions(0, 0)]);
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

function subscribe(address: string, fields: Record<string, unknown> = {}) {
  return api('/subscriptions').post({
    changeType: 'created,updated,deleted',
    notificationUrl: `${webhook.url}/notifications`,
    lifecycleNotificationUrl: `${webhook.url}/lifecycle`,
    resource: `/users/${address}/events`,
    expirationDateTime: inMinutes(4000),
    clientState: 'the-secret',
    ...fields,
  }) as Promise<{ id: string; expirationDateTime: string; clientState: string }>;
}

function createEvent(address: string, extra: Record<string, unknown> = {}) {
  return api(`/users/${encodeURIComponent(address)}/events`).post({
    subject: 'Review',
    start: { dateTime: inMinutes(60).replace('Z', ''), timeZone: 'UTC' },
    end: { dateTime: inMinutes(120).replace('Z', ''), timeZone: 'UTC' },
    ...extra,
  }) as Promise<{ id: string; changeKey: string }>;
}

async function graphError(request: Promise<unknown>): Promise<GraphError> {
  const error = await request.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(error)}`);
  return error;
}

describe('sandbox subscriptions', () => {
  it('validates the notification and lifecycle URLs, then notifies each change with the clientState', async () => {
    const room = mailbox();
    const subscription = await subscribe(room);
    expect(subscription.clientState).toBe('the-secret');
    const event = await createEvent(room);
    await api(`/users/${room}/events/${event.id}`).patch({ subject: 'Moved' });
    sandbox.graph.deleteInOutlook(room, event.id);
    await sandbox.graph.notificationsDelivered();
    expect(webhook.received.map((n) => [n.path, n.changeType, n.clientState, n.subscriptionId])).toEqual([
      ['/notifications', 'created', 'the-secret', subscription.id],
      ['/notifications', 'updated', 'the-secret', subscription.id],
      ['/notifications', 'deleted', 'the-secret', subscription.id],
    ]);
    expect(String(webhook.received[0]?.resource)).toMatch(
      new RegExp(`^Users/[0-9a-f-]{36}/Events/${event.id}$`),
    );
  });

  it.each([
    ['wrong', 'did not echo'],
    ['json', 'not text/plain'],
  ] as const)('refuses the subscription when the handshake is answered %s', async (mode, reason) => {
    webhook.mode = mode;
    const error = await graphError(subscribe(mailbox()));
    expect([error.statusCode, error.code]).toEqual([400, 'ValidationError']);
    expect(error.message).toContain(reason);
    expect(sandbox.graph.subscriptions()).toHaveLength(0);
  });

  it('refuses it when the endpoint does not answer in time or is not reachable', async () => {
    webhook.mode = 'silent';
    sandbox.graph.setValidationTimeout(200);
    const slow = await graphError(subscribe(mailbox()));
    expect([slow.code, slow.message.includes('no answer within')]).toEqual(['ValidationError', true]);
    const unreachable = await graphError(subscribe(mailbox(), { notificationUrl: 'http://127.0.0.1:9/x' }));
    expect([unreachable.code, unreachable.message.includes('not reachable')]).toEqual([
      'ValidationError',
      true,
    ]);
  });

  it('renews up to 10,080 minutes ahead, deletes, and forgets an expired subscription', async () => {
    const room = mailbox();
    const { id } = await subscribe(room);
    const tooFar = await graphError(
      api(`/subscriptions/${id}`).patch({ expirationDateTime: inMinutes(10_100) }),
    );
    expect([tooFar.statusCode, tooFar.message]).toEqual([
      400,
      'Subscription expiration can only be 10080 minutes in the future.',
    ]);
    const later = inMinutes(10_000);
    const renewed = (await api(`/subscriptions/${id}`).patch({ expirationDateTime: later })) as {
      expirationDateTime: string;
    };
    expect(renewed.expirationDateTime).toBe(new Date(later).toISOString());
    sandbox.graph.expireSubscription(id);
    expect((await graphError(api(`/subscriptions/${id}`).get())).statusCode).toBe(404);
    await createEvent(room);
    await sandbox.graph.notificationsDelivered();
    expect(webhook.received).toHaveLength(0);
    const second = await subscribe(room);
    await api(`/subscriptions/${second.id}`).delete();
    expect((await graphError(api(`/subscriptions/${second.id}`).get())).statusCode).toBe(404);
  });

  it('answers 403 once the mailbox has as many subscriptions as allowed', async () => {
    const room = mailbox();
    sandbox.graph.setSubscriptionLimit(1);
    await subscribe(room);
    const error = await graphError(subscribe(room));
    expect([error.statusCode, error.code]).toEqual([403, 'ExtensionError']);
    expect(error.message).toContain('maximum number of subscriptions');
  });

  it('sends lifecycle notifications to the lifecycle URL; subscriptionRemoved removes it', async () => {
    const room = mailbox();
    const { id } = await subscribe(room);
    await sandbox.graph.sendLifecycle(id, 'reauthorizationRequired');
    await api(`/subscriptions/${id}/reauthorize`).post({});
    await sandbox.graph.sendLifecycle(id, 'missed');
    await sandbox.graph.sendLifecycle(id, 'subscriptionRemoved');
    expect(webhook.received.map((n) => [n.path, n.lifecycleEvent, n.clientState])).toEqual([
      ['/lifecycle', 'reauthorizationRequired', 'the-secret'],
      ['/lifecycle', 'missed', 'the-secret'],
      ['/lifecycle', 'subscriptionRemoved', 'the-secret'],
    ]);
    expect(sandbox.graph.subscriptions(room)).toHaveLength(0);
  });

  it('loses change notifications of a mailbox on request', async () => {
    const room = mailbox();
    await subscribe(room);
    sandbox.graph.loseNotifications(room, true);
    await createEvent(room);
    await sandbox.graph.notificationsDelivered();
    expect(webhook.received).toHaveLength(0);
  });
});

describe('sandbox calendarView delta', () => {
  const window = () =>
    `startDateTime=${encodeURIComponent(inMinutes(-60))}&endDateTime=${encodeURIComponent(inMinutes(60 * 24))}`;
  interface DeltaPage {
    value: Array<Record<string, unknown>>;
    '@odata.nextLink'?: string;
    '@odata.deltaLink'?: string;
  }
  async function round(first: string): Promise<{ items: DeltaPage['value']; deltaLink: string }> {
    const items: DeltaPage['value'] = [];
    let link: string | undefined = first;
    for (;;) {
      const page = (await api(link).get()) as DeltaPage;
      items.push(...page.value);
      if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'] };
      link = page['@odata.nextLink'];
      if (!link) throw new Error('a delta page with neither link');
    }
  }

  it('pages a full round, then reports moves, responses and deletions since the delta link', async () => {
    const room = mailbox();
    sandbox.graph.setDeltaPageSize(2);
    const moved = await createEvent(room);
    const declined = await createEvent(room);
    const deleted = await createEvent(room);
    const created = [moved, declined, deleted];
    await createEvent(room, {
      start: { dateTime: inMinutes(60 * 48).replace('Z', ''), timeZone: 'UTC' },
      end: { dateTime: inMinutes(60 * 49).replace('Z', ''), timeZone: 'UTC' },
    });
    const full = await round(`/users/${room}/calendarView/delta?${window()}`);
    expect(full.items.map((item) => item.id).sort()).toEqual(created.map((e) => e.id).sort());
    const newStart = inMinutes(90);
    expect(sandbox.graph.moveInOutlook(room, moved.id, newStart, inMinutes(150))).toBe(true);
    expect(sandbox.graph.declineInOutlook(room, declined.id)).toBe(true);
    sandbox.graph.deleteInOutlook(room, deleted.id);
    const changes = await round(full.deltaLink);
    const byId = new Map(changes.items.map((item) => [item.id, item]));
    expect(byId.size).toBe(3);
    expect(byId.get(moved.id)?.start).toEqual({ dateTime: newStart.replace('Z', ''), timeZone: 'UTC' });
    expect(byId.get(declined.id)?.responseStatus).toMatchObject({ response: 'declined' });
    expect(byId.get(deleted.id)?.['@removed']).toEqual({ reason: 'deleted' });
    const quiet = await round(changes.deltaLink);
    expect(quiet.items).toEqual([]);
  });

  it('answers 410 syncStateNotFound for an expired delta token', async () => {
    const room = mailbox();
    const { deltaLink } = await round(`/users/${room}/calendarView/delta?${window()}`);
    sandbox.graph.expireDeltaTokens(room);
    const error = await graphError(api(deltaLink).get());
    expect([error.statusCode, error.code]).toEqual([410, 'syncStateNotFound']);
  });
});

describe('sandbox events: extended property and changeKey', () => {
  it('keeps the property out of answers unless expanded, finds events by it, and changes changeKey on every write', async () => {
    const room = mailbox();
    const tagged = await createEvent(room, {
      singleValueExtendedProperties: [{ id: TAG, value: 'A-1/R-1' }],
    });
    await createEvent(room);
    const plain = (await api(`/users/${room}/events/${tagged.id}`).get()) as Record<string, unknown>;
    expect(plain.singleValueExtendedProperties).toBeUndefined();
    const expand = `singleValueExtendedProperties($filter=id eq '${TAG}')`;
    const expanded = (await api(`/users/${room}/events/${tagged.id}`).query({ $expand: expand }).get()) as {
      singleValueExtendedProperties: unknown;
    };
    expect(expanded.singleValueExtendedProperties).toEqual([{ id: TAG, value: 'A-1/R-1' }]);
    const found = (await api(`/users/${room}/events`)
      .query({
        $filter: `singleValueExtendedProperties/any(ep: ep/id eq '${TAG}' and ep/value eq 'A-1/R-1')`,
      })
      .get()) as { value: Array<{ id: string }> };
    expect(found.value.map((e) => e.id)).toEqual([tagged.id]);
    const updated = (await api(`/users/${room}/events/${tagged.id}`).patch({ subject: 'x' })) as {
      changeKey: string;
    };
    expect(updated.changeKey).not.toBe(tagged.changeKey);
    sandbox.graph.tentativeInOutlook(room, tagged.id);
    const [after] = sandbox.graph.events(room);
    expect(after?.changeKey).not.toBe(updated.changeKey);
    expect(after?.responseStatus).toMatchObject({ response: 'tentativelyAccepted' });
  });
});
