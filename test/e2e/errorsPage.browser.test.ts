import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { definition as codesApi } from '../../functions/codesApi';
import { definition as errorsApi } from '../../functions/errorsApi';
import { definition as errorsExport } from '../../functions/errorsExport';
import { definition as errorsPage } from '../../functions/errorsPage';
import { definition as health } from '../../functions/health';
import { definition as replayTransaction } from '../../functions/replayTransaction';
import { catalogueEntry } from '../../shared/domain/catalogue';
import type { TransactionRecord } from '../../shared/domain/transaction';
import type { Caller } from '../../shared/http/auth/roles';
import { readLocalPrincipal } from '../../shared/settings';
import { type RunningHttpFunctions, serveHttpFunctions } from '../../stand-ins/host/httpRunner';
import { upsert } from '../support/changes';
import { findChromium, isCi } from '../support/chromium';
import { eventually } from '../support/eventually';
import { type Harness, startHarness } from '../support/harness';
import { type SandboxDriver, sandboxDriver } from '../support/sandboxDriver';

const CHROMIUM = findChromium();
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Ignored by git; `npm run screenshot` copies it to docs/errors-page.png for the README. */
const SCREENSHOT = join(__dirname, '..', '..', '.local', 'screenshots', 'errors-page.png');
const HOSTILE_NAME = '<script>window.__pwned=1</script>';
const OPERATOR = readLocalPrincipal({ LOCAL_PRINCIPAL_NAME: 'Olga Operator' });
const READER = readLocalPrincipal({
  LOCAL_PRINCIPAL_NAME: 'Rita Reader',
  LOCAL_PRINCIPAL_ROLES: 'Errors.Read',
});
const NO_ROLE = readLocalPrincipal({ LOCAL_PRINCIPAL_NAME: 'Nina Nobody', LOCAL_PRINCIPAL_ROLES: 'none' });
/** Who the runner's stand-in for App Service Authentication signs the browser in as (undefined: nobody). */
let signedIn: Caller | undefined = OPERATOR;

let harness: Harness;
let sandbox: SandboxDriver;
let http: RunningHttpFunctions;
let browser: Browser;
let page: Page;
let pageUrl: string;
let hostileRow: TransactionRecord;
let transientRow: TransactionRecord;
/** The three failures the page lists, as recorded. */
let failures: TransactionRecord[];

const mailbox = (name: string) => `${name}-${randomUUID().slice(0, 8)}@${harness.sandbox.tenant.domain}`;
const appointmentId = () => `A-${randomUUID().slice(0, 8)}`;

async function recorded(change: { changeId: string }, code: string) {
  await harness.send(change);
  return harness.waitForTransaction(change.changeId, (row) => row.code === code);
}

if (!CHROMIUM && !isCi()) {
  console.warn('No Chromium found (set CHROMIUM_PATH): the Errors page browser tests are skipped.');
}

// Runs wherever a Chromium is found; in CI (which installs one in .ci/run) a missing one fails every test.
describe.skipIf(!CHROMIUM && !isCi())('the Errors page in a browser', () => {
  beforeAll(async () => {
    if (!CHROMIUM)
      throw new Error('CI must have a Chromium for the Errors page tests (none found; set CHROMIUM_PATH)');
    // A machine's first Chromium start reads its files from a cold disk: start it before the rest.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(10_000);
    harness = await startHarness();
    sandbox = sandboxDriver(harness.sandbox);
    http = await serveHttpFunctions(
      [codesApi, errorsApi, errorsExport, errorsPage, health, replayTransaction],
      {
        port: 0,
        host: '127.0.0.1',
        signIn: () => signedIn,
      },
    );
    pageUrl = `${http.url}/${http.routePrefix}/errors-page`;

    const typo = mailbox('typo');
    sandbox.mailboxFails(typo, 'invalidUser');
    hostileRow = await recorded(
      upsert(appointmentId(), 1, [{ id: 'R-1', name: HOSTILE_NAME, mailbox: typo }], {
        subject: HOSTILE_NAME,
      }),
      'DSEX012',
    );
    const room = mailbox('room');
    sandbox.mailboxFails(room, 'serverError');
    transientRow = await recorded(
      upsert(appointmentId(), 1, [{ id: 'R-2', name: 'Room 4', mailbox: room }]),
      'DSEX040',
    );
    harness.setSetting('EXCHANGE_CLIENT_SECRET', sandbox.expiredSecret());
    const expiredRow = await recorded(
      upsert(appointmentId(), 1, [{ id: 'R-3', mailbox: mailbox('room') }]),
      'DSEX001',
    );
    harness.setSetting('EXCHANGE_CLIENT_SECRET', harness.settings.EXCHANGE_CLIENT_SECRET);
    failures = [hostileRow, transientRow, expiredRow];
    // A row is readable just before its Failures entry is written; the page reads the entries.
    await harness.settled();
    await eventually('the three failures indexed', async () => {
      const { items } = await harness
        .connector()
        .stores.failures.listFailures({ since: new Date(Date.now() - 86_400_000), pageSize: 10 });
      return items.length === 3;
    });
  }, 150_000);

  beforeEach(() => {
    signedIn = OPERATOR;
  });

  afterAll(async () => {
    await browser?.close();
    await http?.stop();
    await harness?.stop();
  });

  it('lists the failures with a credential banner, under a policy that forbids inline script', async () => {
    const response = await page.goto(pageUrl);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => page.locator('.banner').textContent()).toContain('DSEX001 Expired client secret');
    expect(await page.locator('tbody tr').count()).toBe(3);
    expect(await page.locator('ul.counts').textContent()).toContain('DSEX012');
    expect(await page.locator('.signed-in strong').textContent()).toBe('Olga Operator');
    expect(await page.locator('button[data-replay]').count()).toBe(3);
  });

  it('draws the last 14 days as an SVG chart, the three failures on the days they were recorded', async () => {
    await page.goto(pageUrl);
    expect(await page.locator('svg.chart g.day').count()).toBe(14);
    // By the rows' own days (UTC), so a run across midnight counts them where they were recorded.
    const perDay = new Map<string, number>();
    for (const row of failures) {
      const day = row.createdAt.toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    for (const [day, total] of perDay)
      expect(await page.locator(`svg.chart g.day[data-day="${day}"]`).getAttribute('data-total')).toBe(
        String(total),
      );
    expect(await page.locator('ul.legend .code').allInnerTexts()).toEqual(['DSEX001', 'DSEX012', 'DSEX040']);
  });

  it('shows a read-only user the list without any Replay button', async () => {
    signedIn = READER;
    const response = await page.goto(pageUrl);
    expect(response?.status()).toBe(200);
    expect(await page.locator('tbody tr').count()).toBe(3);
    expect(await page.locator('button[data-replay]').count()).toBe(0);
    expect(await page.locator('.signed-in').textContent()).toContain('Rita Reader (Errors.Read)');
  });

  it('shows a user without a role that they have no access (403), and nobody the list (401)', async () => {
    signedIn = NO_ROLE;
    const forbidden = await page.goto(pageUrl);
    expect(forbidden?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('No access to the Errors page');
    expect(await page.locator('.denied').textContent()).toContain(
      'Nina Nobody does not hold the app role Errors.Read',
    );
    signedIn = undefined;
    const anonymous = await page.goto(pageUrl);
    expect(anonymous?.status()).toBe(401);
    expect(await page.locator('h1').textContent()).toBe('Sign-in needed');
    expect(await page.locator('tbody tr').count()).toBe(0);
  });

  it('downloads the filtered list as CSV', async () => {
    await page.goto(`${pageUrl}?errorCode=DSEX012`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.export')]);
    const csv = readFileSync((await download.path()) ?? '', 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"${hostileRow.transactionId}"`);
    expect(lines[1]).toContain('"DSEX012"');
  });

  it('shows a script in a resource name as text and never runs it', async () => {
    await page.goto(pageUrl);
    const row = page.locator(`tr[data-transaction-id="${hostileRow.transactionId}"]`);
    expect(await row.locator('td.resources').getByText(HOSTILE_NAME).isVisible()).toBe(true);
    expect(await row.locator('td.message').textContent()).toContain(HOSTILE_NAME);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
  });

  it('filters by a code with the form', async () => {
    await page.goto(pageUrl);
    await page.selectOption('select[name="errorCode"]', 'DSEX012');
    await Promise.all([
      page.waitForURL(/errorCode=DSEX012/),
      page.click('form.filters button[type="submit"]'),
    ]);
    expect(await page.locator('tbody td.code-cell a.code').allInnerTexts()).toEqual(['DSEX012']);
  });

  it('looks up a code by clicking it and by typing it', async () => {
    await page.goto(pageUrl);
    await Promise.all([
      page.waitForURL(/lookup=DSEX040/),
      page.click(`tr[data-transaction-id="${transientRow.transactionId}"] a.code`),
    ]);
    const entry = catalogueEntry('DSEX040');
    expect(await page.locator('#lookup .meaning').textContent()).toBe(`💡 ${entry.meaning}`);
    expect(await page.locator('#lookup .steps li').allInnerTexts()).toEqual([...entry.steps]);

    await page.fill('#lookup input[name="lookup"]', 'dsex002');
    await Promise.all([page.waitForURL(/lookup=dsex002/), page.click('#lookup button[type="submit"]')]);
    expect(await page.locator('#lookup h2').textContent()).toBe(`DSEX002 ${catalogueEntry('DSEX002').title}`);
  });

  it('replays a row and shows its new state once the replay has run', async () => {
    await page.goto(pageUrl);
    sandbox.reset();
    const row = page.locator(`tr[data-transaction-id="${transientRow.transactionId}"]`);
    expect(await row.locator('td.status').textContent()).toBe('Failed');
    await row.locator('button[data-replay]').click();
    await expect
      .poll(() => row.locator('.replay-result').textContent(), { timeout: 30_000 })
      .toBe('Replayed: Success.');
    expect(await row.locator('td.status').textContent()).toBe('Success');
    // A manual replay is no attempt of the connector's: the count, and so the backoff, stay.
    expect(await row.locator('td.attempts').textContent()).toBe('1');

    // The appointment's history lists the row with who replayed it.
    await Promise.all([page.waitForURL(/appointmentId=/), row.locator('a.history-link').click()]);
    const history = page.locator(`table.history tr[data-transaction-id="${transientRow.transactionId}"]`);
    expect(await history.locator('td.status').textContent()).toBe('Success');
    expect(await history.locator('ul.audit li').allInnerTexts()).toEqual([
      expect.stringMatching(
        new RegExp(
          `UTC by Olga Operator ${OPERATOR.objectId} · replay:${transientRow.transactionId}:1:manual:${transientRow.lastAttemptAt.getTime()}$`,
        ),
      ),
    ]);
    await page.goto(pageUrl);

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
