import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition as codesApi } from '../../functions/codesApi';
import { definition as errorsApi } from '../../functions/errorsApi';
import { definition as errorsPage } from '../../functions/errorsPage';
import { definition as health } from '../../functions/health';
import { definition as replayTransaction } from '../../functions/replayTransaction';
import { catalogueEntry } from '../../shared/domain/catalogue';
import type { TransactionRecord } from '../../shared/domain/transaction';
import { type RunningHttpFunctions, serveHttpFunctions } from '../../stand-ins/host/httpRunner';
import { upsert } from '../support/changes';
import { findChromium, isCi } from '../support/chromium';
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

let harness: Harness;
let sandbox: SandboxDriver;
let http: RunningHttpFunctions;
let browser: Browser;
let page: Page;
let pageUrl: string;
let hostileRow: TransactionRecord;
let transientRow: TransactionRecord;

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
    http = await serveHttpFunctions([codesApi, errorsApi, errorsPage, health, replayTransaction], {
      port: 0,
      host: '127.0.0.1',
    });
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
    await recorded(upsert(appointmentId(), 1, [{ id: 'R-3', mailbox: mailbox('room') }]), 'DSEX001');
    harness.setSetting('EXCHANGE_CLIENT_SECRET', harness.settings.EXCHANGE_CLIENT_SECRET);
  }, 150_000);

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
      .poll(() => row.locator('.replay-result').textContent(), { timeout: 20_000 })
      .toBe('Replayed: Success.');
    expect(await row.locator('td.status').textContent()).toBe('Success');
    // A manual replay is no attempt of the connector's: the count, and so the backoff, stay.
    expect(await row.locator('td.attempts').textContent()).toBe('1');

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
