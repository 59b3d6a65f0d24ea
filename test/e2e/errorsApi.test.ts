import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { definition as codesApi } from '../../functions/codesApi';
import { definition as errorsApi } from '../../functions/errorsApi';
import { definition as errorsPage } from '../../functions/errorsPage';
import { definition as health } from '../../functions/health';
import { definition as replayTransaction } from '../../functions/replayTransaction';
import { CATALOGUE, type CatalogueEntry, catalogueEntry } from '../../shared/domain/catalogue';
import { transactionIdFor } from '../../shared/domain/ids';
import type { TransactionRecord } from '../../shared/domain/transaction';
import type { HealthCheck } from '../../shared/http/healthChecks';
import type { transactionDetailView } from '../../shared/http/transactionDetail';
import type { failureSummaryView } from '../../shared/http/views';
import { readLocalPrincipal } from '../../shared/settings';
import { type RunningHttpFunctions, serveHttpFunctions } from '../../stand-ins/host/httpRunner';
import { upsert } from '../support/changes';
import { type Harness, startHarness } from '../support/harness';
import { type SandboxDriver, sandboxDriver } from '../support/sandboxDriver';
import { legacySecret, secretForms } from '../support/secrets';

let harness: Harness;
let sandbox: SandboxDriver;
let http: RunningHttpFunctions;
let api: string;
const DAY = 86_400_000;
const mailbox = (name: string) => `${name}-${randomUUID().slice(0, 8)}@${harness.sandbox.tenant.domain}`;
const appointmentId = () => `A-${randomUUID().slice(0, 8)}`;

/** Rows made by sending changes through the queue in beforeAll. */
let succeeded: TransactionRecord;
let expiredSecretRow: TransactionRecord;
const invalidUserRows: TransactionRecord[] = [];
/** Every secret any request of this file may have seen; none may appear in an answer, as it is or encoded. */
const secretsSeen = new Set<string>();

/** Notes a secret a request may see, so every later answer is checked for it. */
function seen(secret: string): string {
  secretsSeen.add(secret);
  return secret;
}

type FailureItem = ReturnType<typeof failureSummaryView>;
interface ListAnswer {
  window: { days: number; since: string };
  items: FailureItem[];
  continuationToken?: string;
  counts: Record<string, number>;
}
interface ErrorAnswer {
  error: { message: string; parameter?: string };
}
interface DetailAnswer {
  transaction: ReturnType<typeof transactionDetailView>;
  catalogue: CatalogueEntry | null;
}
interface ReplayAnswer {
  messageId: string;
  appointmentId: string;
  transactionIds: string[];
  requestedBy: { name: string; objectId: string };
  requestedAt: string;
}
/** Every request of this file is signed in with both roles; test/e2e/signIn.test.ts covers the others. */
const OPERATOR = readLocalPrincipal({});
interface HealthAnswer {
  status: string;
  checks: HealthCheck[];
}

async function call<T = ErrorAnswer>(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${api}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  for (const secret of secretsSeen) for (const form of secretForms(secret)) expect(text).not.toContain(form);
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function recorded(change: { changeId: string }, until: (row: TransactionRecord) => boolean) {
  await harness.send(change);
  return harness.waitForTransaction(change.changeId, until);
}

beforeAll(async () => {
  harness = await startHarness({ sandbox: { demoClientSecret: legacySecret() } });
  sandbox = sandboxDriver(harness.sandbox);
  http = await serveHttpFunctions([codesApi, errorsApi, errorsPage, health, replayTransaction], {
    port: 0,
    host: '127.0.0.1',
    signIn: () => OPERATOR,
  });
  api = `${http.url}/${http.routePrefix}`;
  seen(harness.sandbox.tenant.clientSecret);

  succeeded = await recorded(
    upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }]),
    (r) => r.status === 'Success',
  );
  for (let i = 0; i < 3; i++) {
    const wrong = mailbox('typo');
    sandbox.mailboxFails(wrong, 'invalidUser');
    invalidUserRows.push(
      await recorded(
        upsert(appointmentId(), 1, [{ id: `R-${i}`, mailbox: wrong }]),
        (r) => r.code === 'DSEX012',
      ),
    );
  }
  const expiredSecret = seen(sandbox.expiredSecret());
  harness.setSetting('EXCHANGE_CLIENT_SECRET', expiredSecret);
  expiredSecretRow = await recorded(
    upsert(appointmentId(), 1, [{ id: 'R-9', mailbox: mailbox('room') }]),
    (r) => r.code === 'DSEX001',
  );
  harness.setSetting('EXCHANGE_CLIENT_SECRET', harness.settings.EXCHANGE_CLIENT_SECRET);
}, 60_000);

afterAll(async () => {
  await http?.stop();
  await harness?.stop();
});

afterEach(() => {
  sandbox.reset();
  harness.tableProxy.up();
  harness.setSetting('EXCHANGE_CLIENT_SECRET_EXPIRES_ON', undefined);
  for (const [name, value] of Object.entries(harness.settings)) harness.setSetting(name, value);
});

describe('GET /api/errors', () => {
  it('lists the failures of the window newest first, with counts per code, and no successes', async () => {
    const { status, body } = await call<ListAnswer>('/errors');
    expect(status).toBe(200);
    expect(body.window.days).toBe(14);
    const ids: string[] = body.items.map((item) => item.transactionId);
    expect(ids).not.toContain(succeeded.transactionId);
    const expected = [expiredSecretRow, ...[...invalidUserRows].reverse()].map((row) => row.transactionId);
    expect(ids.filter((id) => expected.includes(id))).toEqual(expected);
    expect(body.counts).toMatchObject({ DSEX012: 3, DSEX001: 1 });
    const first = body.items.find((item) => item.transactionId === invalidUserRows[0]?.transactionId);
    expect(first).toMatchObject({
      code: 'DSEX012',
      status: 'Skipped',
      title: catalogueEntry('DSEX012').title,
      attempts: 1,
      replayable: true,
      resources: [{ mailbox: invalidUserRows[0]?.resources[0]?.mailbox }],
    });
    expect(first?.message).toMatch(/^\[DSEX012\] /);
  });

  it('filters by code, status, appointment and since', async () => {
    const byCode = await call<ListAnswer>('/errors?code=DSEX012');
    expect(byCode.body.items.map((i) => i.code)).toEqual(['DSEX012', 'DSEX012', 'DSEX012']);
    const byStatus = await call<ListAnswer>('/errors?status=InvalidBackOfficeSettings');
    expect(byStatus.body.items.map((i) => i.transactionId)).toEqual([expiredSecretRow.transactionId]);
    const target = invalidUserRows[1];
    const byAppointment = await call<ListAnswer>(
      `/errors?appointmentId=${encodeURIComponent(target?.appointmentId ?? '')}`,
    );
    expect(byAppointment.body.items.map((i) => i.transactionId)).toEqual([target?.transactionId]);
    const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10);
    expect((await call<ListAnswer>(`/errors?since=${tomorrow}`)).body.items).toEqual([]);
    expect(
      (await call<ListAnswer>('/errors?code=DSEX012&status=InvalidBackOfficeSettings')).body.items,
    ).toEqual([]);
  });

  it('pages with pageSize and continuationToken, without repeating a row', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 5; page++) {
      const query = new URLSearchParams({
        code: 'DSEX012',
        pageSize: '1',
        ...(token ? { continuationToken: token } : {}),
      });
      const { status, body } = await call<ListAnswer>(`/errors?${query}`);
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(1);
      seen.push(...body.items.map((i) => i.transactionId));
      token = body.continuationToken;
      if (!token) break;
    }
    expect(token).toBeUndefined();
    expect(seen).toEqual([...invalidUserRows].reverse().map((row) => row.transactionId));
  });

  it.each([
    ['code=DSEX999', 'code'],
    ['status=Success', 'status'],
    ['since=not-a-date', 'since'],
    ['since=2000-01-01', 'since'],
    ['pageSize=0', 'pageSize'],
    ['pageSize=201', 'pageSize'],
    ['continuationToken=%25%25garbage', 'continuationToken'],
  ])('answers 400 for %s, naming %s', async (query, parameter) => {
    const { status, body } = await call(`/errors?${query}`);
    expect(status).toBe(400);
    expect(body.error.parameter).toBe(parameter);
    expect(body.error.message).toContain(parameter);
  });
});

describe('GET /api/errors/{transactionId}', () => {
  it('answers the row, its per-resource outcomes and the catalogue entry of its code', async () => {
    const row = invalidUserRows[0];
    const { status, body } = await call<DetailAnswer>(`/errors/${row?.transactionId}`);
    expect(status).toBe(200);
    expect(body.transaction).toMatchObject({
      transactionId: row?.transactionId,
      appointmentId: row?.appointmentId,
      status: 'Skipped',
      code: 'DSEX012',
      createdAt: row?.createdAt.toISOString(),
    });
    expect(body.transaction.resources).toEqual([
      expect.objectContaining({ resourceId: 'R-0', status: 'Skipped', code: 'DSEX012' }),
    ]);
    expect(body.catalogue).toEqual(JSON.parse(JSON.stringify(catalogueEntry('DSEX012'))));
  });

  it('answers 404 for an unknown transaction', async () => {
    const { status, body } = await call(`/errors/${transactionIdFor('never sent')}`);
    expect(status).toBe(404);
    expect(body.error.message).toContain('does not exist');
  });
});

describe('GET /api/codes', () => {
  it('answers the catalogue, one code (any case), and 404 for an unknown code', async () => {
    const all = await call<{ codes: CatalogueEntry[] }>('/codes');
    expect(all.body.codes.map((entry) => entry.code)).toEqual(CATALOGUE.map((e) => e.code));
    const one = await call<CatalogueEntry>('/codes/dsex002');
    expect(one.status).toBe(200);
    expect(one.body).toEqual(JSON.parse(JSON.stringify(catalogueEntry('DSEX002'))));
    const unknown = await call('/codes/DSEX999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('DSEX999');
  });
});

describe('POST /api/transactions/{transactionId}/replay', () => {
  it('queues the replay once (same message id on repeat) and the row heals once the cause is gone', async () => {
    const room = mailbox('room');
    sandbox.mailboxFails(room, 'serverError');
    const failed = await recorded(
      upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]),
      (r) => r.code === 'DSEX040',
    );
    sandbox.reset();
    const first = await call<ReplayAnswer>(`/transactions/${failed.transactionId}/replay`, {
      method: 'POST',
    });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({
      messageId: expect.stringContaining(failed.transactionId),
      appointmentId: failed.appointmentId,
      transactionIds: [failed.transactionId],
      requestedBy: { name: OPERATOR.name, objectId: OPERATOR.objectId },
      requestedAt: expect.any(String),
    });
    const again = await call<ReplayAnswer>(`/transactions/${failed.transactionId}/replay`, {
      method: 'POST',
    });
    expect(again.body.messageId).toBe(first.body.messageId);
    const healed = await harness.waitForTransaction(failed.transactionId, (r) => r.status === 'Success');
    // A manual replay is no attempt of the connector's: it never pushes the automatic backoff.
    expect(healed.attempts).toBe(1);
    expect((await call<DetailAnswer>(`/errors/${failed.transactionId}`)).body.transaction.status).toBe(
      'Success',
    );
    const listed = await call<ListAnswer>(`/errors?appointmentId=${failed.appointmentId}`);
    expect(listed.body.items).toEqual([]);
  });

  it('answers 409 with the reason when the row cannot be replayed, 404 when it is unknown', async () => {
    const done = await call(`/transactions/${succeeded.transactionId}/replay`, { method: 'POST' });
    expect(done.status).toBe(409);
    expect(done.body.error.message).toContain('already succeeded');
    const unknown = await call(`/transactions/${transactionIdFor('never sent')}/replay`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect((await call(`/transactions/${succeeded.transactionId}/replay`)).status).toBe(404);
  });
});

describe('GET /api/health', () => {
  it('is healthy when Table Storage, Service Bus and Microsoft Entra ID answer', async () => {
    const { status, body } = await call<HealthAnswer>('/health');
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'healthy',
      checks: [
        expect.objectContaining({ name: 'tableStorage', status: 'healthy' }),
        expect.objectContaining({ name: 'serviceBus', status: 'healthy' }),
        expect.objectContaining({ name: 'token', status: 'healthy' }),
      ],
    });
  });

  it('is unhealthy (503) with the blocking code when the secret is rejected', async () => {
    harness.setSetting('EXCHANGE_CLIENT_SECRET', seen(sandbox.expiredSecret()));
    const { status, body } = await call<HealthAnswer>('/health');
    expect(status).toBe(503);
    expect(body.status).toBe('unhealthy');
    expect(body.checks).toContainEqual(
      expect.objectContaining({ name: 'token', status: 'unhealthy', code: 'DSEX001' }),
    );
  });

  it('warns from 30 days before the secret expires, and is unhealthy once it has', async () => {
    harness.setSetting(
      'EXCHANGE_CLIENT_SECRET_EXPIRES_ON',
      new Date(Date.now() + 10 * DAY + 60_000).toISOString(),
    );
    const expiring = await call<HealthAnswer>('/health');
    expect(expiring.status).toBe(200);
    expect(expiring.body.status).toBe('degraded');
    expect(expiring.body.checks).toContainEqual(
      expect.objectContaining({ name: 'secretExpiry', status: 'degraded', daysLeft: 10 }),
    );
    harness.setSetting(
      'EXCHANGE_CLIENT_SECRET_EXPIRES_ON',
      new Date(Date.now() - DAY).toISOString().slice(0, 10),
    );
    const expired = await call<HealthAnswer>('/health');
    expect(expired.status).toBe(503);
    expect(expired.body.checks).toContainEqual(
      expect.objectContaining({ name: 'secretExpiry', status: 'unhealthy', code: 'DSEX001' }),
    );
  });

  it('is unhealthy when Table Storage cannot be reached', async () => {
    harness.tableProxy.down();
    const { status, body } = await call<HealthAnswer>('/health');
    expect(status).toBe(503);
    expect(body.checks).toContainEqual(
      expect.objectContaining({ name: 'tableStorage', status: 'unhealthy' }),
    );
    expect(body.checks).toContainEqual(expect.objectContaining({ name: 'serviceBus', status: 'healthy' }));
  });
});

describe('the HTTP runner', () => {
  it('answers 404 for unknown routes and undeclared methods', async () => {
    expect((await call('/nothing-here')).status).toBe(404);
    expect((await call('/errors', { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${http.url}/errors`)).status).toBe(404);
  });
});
