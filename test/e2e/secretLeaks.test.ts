import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition as errorsApi } from '../../functions/errorsApi';
import { definition as errorsExport } from '../../functions/errorsExport';
import { definition as errorsPage } from '../../functions/errorsPage';
import { definition as health } from '../../functions/health';
import type { TransactionRecord } from '../../shared/domain/transaction';
import { readLocalPrincipal } from '../../shared/settings';
import { type RunningHttpFunctions, serveHttpFunctions } from '../../stand-ins/host/httpRunner';
import { upsert } from '../support/changes';
import { changeMessage, type Harness, startHarness } from '../support/harness';
import { secretForms } from '../support/secrets';

/** Characters every encoding changes: URL, form, JSON, and a non-ASCII letter for UTF-8 and base64. */
const SECRET = `Lk+/=%&é"${randomUUID()}~`;
/** The sign-in registration's secret, as App Service Authentication's app setting holds it. */
const SIGN_IN_SECRET = `Sg+/=%&ü"${randomUUID()}~`;

let harness: Harness;
let http: RunningHttpFunctions;
let api: string;
const rows: TransactionRecord[] = [];

function expectNoLeak(where: string, text: string): void {
  for (const form of [...secretForms(SECRET), ...secretForms(SIGN_IN_SECRET)])
    expect(text.includes(form), `${where} holds ${form}`).toBe(false);
}

async function get(path: string): Promise<string> {
  const response = await fetch(`${api}/${path}`, { signal: AbortSignal.timeout(15_000) });
  return response.text();
}

beforeAll(async () => {
  harness = await startHarness({
    sandbox: { demoClientSecret: SECRET },
    settings: { MICROSOFT_PROVIDER_AUTHENTICATION_SECRET: SIGN_IN_SECRET },
  });
  // Signed in with both roles, so the answers hold everything any caller may see (the raw-body excerpt too).
  const operator = readLocalPrincipal({});
  http = await serveHttpFunctions([errorsApi, errorsExport, errorsPage, health], {
    port: 0,
    host: '127.0.0.1',
    signIn: () => operator,
  });
  api = `${http.url}/${http.routePrefix}`;
  const domain = harness.sandbox.tenant.domain;

  // Synced with the secret: the token request carries it form-encoded.
  const synced = upsert(`A-${randomUUID().slice(0, 8)}`, 1, [{ id: 'R-1', mailbox: `room@${domain}` }]);
  await harness.send(synced);
  rows.push(await harness.waitForTransaction(synced.changeId, (r) => r.status === 'Success'));

  // A back office that pasted the secret, in every encoding, into an invalid message.
  const messageId = randomUUID();
  const pasted = {
    kind: 'appointment',
    note: [...secretForms(SECRET), ...secretForms(SIGN_IN_SECRET)].join(' | '),
  };
  await harness.sender.sendMessages(changeMessage(pasted, messageId));
  rows.push(await harness.waitForTransaction(`message:${messageId}`));

  // ... and as the name of a disabled resource, which the outcome's message quotes.
  const named = upsert(`A-${randomUUID().slice(0, 8)}`, 1, [
    {
      id: 'R-2',
      mailbox: `desk@${domain}`,
      name: `Desk ${SECRET} ${SIGN_IN_SECRET}`,
      exchangeEnabled: false,
    },
  ]);
  await harness.send(named);
  rows.push(await harness.waitForTransaction(named.changeId, (r) => r.code === 'DSEX011'));

  // An administrator who pasted the secret into the client id setting: DSEX003 must not echo it.
  harness.setSetting('EXCHANGE_CLIENT_ID', SECRET);
  const misconfigured = upsert(`A-${randomUUID().slice(0, 8)}`, 1, [
    { id: 'R-3', mailbox: `room@${domain}` },
  ]);
  await harness.send(misconfigured);
  rows.push(await harness.waitForTransaction(misconfigured.changeId, (r) => r.code !== undefined));
  // A row is visible before its log line is written; every line is, once each message is settled.
  await harness.settled();
}, 120_000);

afterAll(async () => {
  await http?.stop();
  await harness?.stop();
});

describe('the client secret, in any encoding, appears nowhere', () => {
  it('not in a transaction row', () => {
    expect(rows.map((r) => r.code)).toEqual([undefined, 'DSEX050', 'DSEX011', 'DSEX003']);
    expect(rows[1]?.rawBody).toContain('[redacted]');
    for (const row of rows) expectNoLeak(`row ${row.transactionId}`, JSON.stringify(row));
  });

  it('not in a log line', async () => {
    await harness.settled();
    for (const row of rows) {
      const lines = harness.logs.filter(
        (line) => line.includes(row.transactionId) && line.includes('"event":"transaction"'),
      );
      expect(lines, row.transactionId).toHaveLength(1);
    }
    for (const line of harness.logs) expectNoLeak('a log line', line);
  });

  it('not in an API answer or the Errors page', async () => {
    const answers = [
      await get('errors'),
      ...(await Promise.all(rows.map((row) => get(`errors/${row.transactionId}`)))),
      await get('errors-page'),
      // The history of the appointment whose resource is named with the secrets quotes that name.
      await get(`errors-page?appointmentId=${encodeURIComponent(rows[2]?.appointmentId ?? '')}`),
      await get('errors-export'),
      await get('health'),
    ];
    expect(answers[0]).toContain(rows[1]?.transactionId);
    expect(answers.find((answer) => answer.includes('History of appointment'))).toContain(
      rows[2]?.transactionId,
    );
    for (const answer of answers) expectNoLeak('an HTTP answer', answer);
  });
});
