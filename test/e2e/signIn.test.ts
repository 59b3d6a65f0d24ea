import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition as codesApi } from '../../functions/codesApi';
import { definition as errorsApi } from '../../functions/errorsApi';
import { definition as errorsExport } from '../../functions/errorsExport';
import { definition as errorsPage } from '../../functions/errorsPage';
import { definition as health } from '../../functions/health';
import { definition as healthProbe } from '../../functions/healthProbe';
import { definition as replayTransaction } from '../../functions/replayTransaction';
import type { TransactionRecord } from '../../shared/domain/transaction';
import type { Caller } from '../../shared/http/auth/roles';
import type { transactionDetailView } from '../../shared/http/transactionDetail';
import { readLocalPrincipal } from '../../shared/settings';
import { type RunningHttpFunctions, serveHttpFunctions } from '../../stand-ins/host/httpRunner';
import { upsert } from '../support/changes';
import { type Harness, startHarness } from '../support/harness';
import { type SandboxDriver, sandboxDriver } from '../support/sandboxDriver';

/* Sign-in, roles, the audit trail and the raw body's excerpt, through the local runner's stand-in for App Service Authentication. */

const OPERATOR = readLocalPrincipal({ LOCAL_PRINCIPAL_NAME: 'Olga Operator' });
const READER = readLocalPrincipal({
  LOCAL_PRINCIPAL_NAME: 'Rita Reader',
  LOCAL_PRINCIPAL_ROLES: 'Errors.Read',
});
const NO_ROLE = readLocalPrincipal({ LOCAL_PRINCIPAL_NAME: 'Nina Nobody', LOCAL_PRINCIPAL_ROLES: 'none' });

let harness: Harness;
let sandbox: SandboxDriver;
let http: RunningHttpFunctions;
let api: string;
let signedIn: Caller | undefined = OPERATOR;
let transient: TransactionRecord;
let invalid: TransactionRecord;
const httpLogs: string[] = [];
/** An invalid message whose JSON breaks right after a private subject. */
const BROKEN = `{"kind":"appointment","appointmentId":"A-broken","appointment":{"subject":"Private matter of J. Smith" "start":1}}`;

type Detail = { transaction: ReturnType<typeof transactionDetailView> };

async function as(caller: Caller | undefined, path: string, init: RequestInit = {}) {
  signedIn = caller;
  const response = await fetch(`${api}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const json = <T>(text: string) => JSON.parse(text) as T;
const mailbox = (name: string) => `${name}-${randomUUID().slice(0, 8)}@${harness.sandbox.tenant.domain}`;

beforeAll(async () => {
  harness = await startHarness();
  sandbox = sandboxDriver(harness.sandbox);
  http = await serveHttpFunctions(
    [codesApi, errorsApi, errorsExport, errorsPage, health, healthProbe, replayTransaction],
    {
      port: 0,
      host: '127.0.0.1',
      signIn: () => signedIn,
      onLog: (_level, args) => httpLogs.push(args.map(String).join(' ')),
    },
  );
  api = `${http.url}/${http.routePrefix}`;
  const room = mailbox('room');
  sandbox.mailboxFails(room, 'serverError');
  const change = upsert(`A-${randomUUID().slice(0, 8)}`, 1, [
    { id: 'R-1', name: '=HYPERLINK("x")', mailbox: room },
  ]);
  await harness.send(change);
  transient = await harness.waitForTransaction(change.changeId, (row) => row.code === 'DSEX040');
  const messageId = randomUUID();
  // An unreadable body names no appointment: the back office's session falls back to the message id.
  await harness.sender.sendMessages({
    body: BROKEN,
    messageId,
    contentType: 'application/json',
    sessionId: messageId,
  });
  invalid = await harness.waitForTransaction(`message:${messageId}`, (row) => row.code === 'DSEX050');
}, 60_000);

afterAll(async () => {
  await http?.stop();
  await harness?.stop();
});

describe('without a signed-in principal', () => {
  it.each([['/errors'], [`/errors/${'tx-x'}`], ['/codes'], ['/health'], ['/errors-export']])(
    'GET %s answers 401',
    async (path) => {
      const { status, text } = await as(undefined, path);
      expect(status).toBe(401);
      expect(json<{ error: { message: string } }>(text).error.message).toBe(
        'Sign in to use the Errors page and API.',
      );
    },
  );

  it('answers 401 to a replay, and the page is a sign-in page, not the list', async () => {
    expect(
      (await as(undefined, `/transactions/${transient.transactionId}/replay`, { method: 'POST' })).status,
    ).toBe(401);
    const page = await as(undefined, '/errors-page');
    expect(page.status).toBe(401);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.text).toContain('<h1>Sign-in needed</h1>');
    expect(page.text).not.toContain(transient.transactionId);
  });

  it('ignores a principal header the client forged: the platform drops it', async () => {
    const forged = Buffer.from(
      JSON.stringify({
        claims: [
          { typ: 'oid', val: randomUUID() },
          { typ: 'roles', val: 'Errors.Replay' },
        ],
      }),
    ).toString('base64');
    const { status } = await as(undefined, '/errors', { headers: { 'x-ms-client-principal': forged } });
    expect(status).toBe(401);
  });

  it('leaves the health probe open, with the overall status only', async () => {
    const { status, text } = await as(undefined, '/health/probe');
    expect(status).toBe(200);
    expect(json(text)).toEqual({ status: 'healthy' });
  });
});

describe('a principal without a role', () => {
  it('answers 403 naming the missing role', async () => {
    const { status, text } = await as(NO_ROLE, '/errors');
    expect(status).toBe(403);
    expect(json<{ error: { message: string } }>(text).error.message).toContain(
      'Nina Nobody does not hold the app role Errors.Read',
    );
    expect((await as(NO_ROLE, '/errors-page')).text).toContain('<h1>No access to the Errors page</h1>');
  });
});

describe('an Errors.Read holder', () => {
  it('lists and looks up, but may not replay (403) and never sees the raw body', async () => {
    expect((await as(READER, '/errors')).status).toBe(200);
    expect((await as(READER, '/health')).status).toBe(200);
    const replay = await as(READER, `/transactions/${transient.transactionId}/replay`, { method: 'POST' });
    expect(replay.status).toBe(403);
    const detail = await as(READER, `/errors/${invalid.transactionId}`);
    expect(detail.status).toBe(200);
    expect(detail.text).not.toContain('J. Smith');
    const { transaction } = json<Detail>(detail.text);
    expect(transaction).not.toHaveProperty('rawBody');
    expect(transaction).not.toHaveProperty('rawBodyExcerpt');
    expect(transaction).toHaveProperty(
      'rawBodyWithheld',
      'The raw body is shown to holders of Errors.Replay only.',
    );
  });

  it('downloads the filtered list as CSV, formulas made inert', async () => {
    const csv = await as(READER, `/errors-export?appointmentId=${transient.appointmentId}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="exchange-failures-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('"Last attempt (UTC)","First recorded (UTC)","Code"');
    expect(lines[1]).toContain(`"DSEX040"`);
    expect(lines[1]).toContain(`"${transient.appointmentId}"`);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"") <`);
    expect(lines[1]).toContain(`"${transient.transactionId}"`);
  });
});

describe('an Errors.Replay holder', () => {
  it('sees the excerpt of the raw body around the fault, not the whole body', async () => {
    const { transaction } = json<Detail>((await as(OPERATOR, `/errors/${invalid.transactionId}`)).text);
    const at = BROKEN.indexOf('"start"');
    expect(transaction.rawBodyExcerpt).toBe(
      `…${BROKEN.slice(at - 40)} (not JSON: ${BROKEN.length} characters, breaking at character ${at})`,
    );
    expect(transaction.rawBodyExcerpt).not.toContain('"kind":"appointment"');
  });

  it('replays, and the row records who, when and the message id, newest first', async () => {
    const before = Date.now();
    const first = await as(OPERATOR, `/transactions/${transient.transactionId}/replay`, { method: 'POST' });
    expect(first.status).toBe(202);
    const answer = json<{ messageId: string; requestedBy: unknown; requestedAt: string }>(first.text);
    expect(answer.requestedBy).toEqual({ name: 'Olga Operator', objectId: OPERATOR.objectId });
    expect(new Date(answer.requestedAt).getTime()).toBeGreaterThanOrEqual(before);
    const line = httpLogs.find((l) => l.includes('"event":"manual replay"') && l.includes(answer.messageId));
    expect(line).toBeDefined();
    const logged = JSON.parse(line!.slice(line!.indexOf('{'))) as Record<string, unknown>;
    expect(logged).toMatchObject({
      level: 'info',
      transactionId: transient.transactionId,
      appointmentId: transient.appointmentId,
      messageId: answer.messageId,
      requestedAt: answer.requestedAt,
      requestedBy: 'Olga Operator',
      requestedByObjectId: OPERATOR.objectId,
    });
    // A manual replay counts no attempt of the connector's: the row shows it ran by its last attempt.
    await harness.waitForTransaction(
      transient.transactionId,
      (row) => row.lastAttemptAt > transient.lastAttemptAt,
    );
    const { transaction } = json<Detail>((await as(READER, `/errors/${transient.transactionId}`)).text);
    expect(transaction.manualReplays).toEqual([
      { messageId: answer.messageId, requestedAt: answer.requestedAt, requestedBy: answer.requestedBy },
    ]);
  });
});
