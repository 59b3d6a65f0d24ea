import { describe, expect, it } from 'vitest';
import type { FailureSummary } from '../../shared/domain/ports';
import { failureWindow } from '../../shared/http/failureQuery';
import { escapeHtml, html } from '../../shared/http/page/html';
import { renderPage } from '../../shared/http/page/renderPage';

const HOSTILE = `<script>window.__pwned=1</script>"'><img src=x onerror=alert(1)>`;
const now = new Date('2026-11-24T12:00:00Z');

function failure(overrides: Partial<FailureSummary> = {}): FailureSummary {
  return {
    transactionId: 'tx-1',
    appointmentId: 'A-1',
    operation: 'upsert',
    status: 'Skipped',
    code: 'DSEX012',
    message: '[DSEX012] The mailbox of Room (room@contoso.com) is not a valid user in the directory.',
    attempts: 1,
    createdAt: now,
    lastAttemptAt: now,
    needsManualAction: false,
    resources: [{ name: 'Room', mailbox: 'room@contoso.com' }],
    ...overrides,
  };
}

function page(items: FailureSummary[], state = {}, alerts: string[] = []) {
  return renderPage({
    state: { apiBase: '/api', ...state },
    window: failureWindow(14, now),
    failures: { items, counts: { DSEX012: items.length } },
    alerts,
  });
}

describe('html template', () => {
  it('escapes text and attribute values, and keeps nested templates as markup', () => {
    expect(escapeHtml(`<a href="x" title='y'>&`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;');
    expect(html`<p title="${HOSTILE}">${[html`<b>${'<i>'}</b>`, 2]}</p>`.markup).toBe(
      `<p title="${escapeHtml(HOSTILE)}"><b>&lt;i&gt;</b>2</p>`,
    );
  });
});

describe('Errors page', () => {
  it('escapes every value that came from a change message, in text and attributes', () => {
    const markup = page(
      [
        failure({
          transactionId: HOSTILE,
          appointmentId: HOSTILE,
          message: HOSTILE,
          resources: [{ name: HOSTILE, mailbox: HOSTILE }],
        }),
      ],
      { appointmentId: HOSTILE, lookup: HOSTILE, functionKey: HOSTILE },
    );
    expect(markup).not.toContain('<script>window');
    expect(markup).not.toContain('<img');
    expect(markup).toContain(escapeHtml(HOSTILE));
    expect(markup.match(/<script/g)).toHaveLength(1);
    expect(markup).toContain('<script defer src="/api/errors-page/page.js?code=');
  });

  it('shows a row with its code, title, resources, attempts and a Replay button', () => {
    const markup = page([failure({ attempts: 3, nextAttemptAt: new Date('2026-11-24T12:20:00Z') })]);
    expect(markup).toContain('href="/api/errors-page?lookup=DSEX012#lookup">DSEX012</a>');
    expect(markup).toContain('Invalid user in the directory');
    expect(markup).toContain('<li>Room <span class="muted">room@contoso.com</span></li>');
    expect(markup).toContain('<td class="attempts">3</td>');
    expect(markup).toContain('2026-11-24 12:20 UTC');
    expect(markup).toContain('<button type="button" data-replay="tx-1">Replay</button>');
  });

  it('flags aged-out rows and offers no Replay for rows that cannot be replayed', () => {
    const markup = page([
      failure({ transactionId: 'tx-old', needsManualAction: true }),
      failure({ transactionId: 'tx-superseded', code: 'DSEX022', message: '[DSEX022] Superseded.' }),
    ]);
    expect(markup).toContain('<span class="badge">Needs manual action</span>');
    expect(markup).toContain('Superseded change');
    expect(markup).toContain('data-replay="tx-old"');
    expect(markup).not.toContain('data-replay="tx-superseded"');
  });

  it('looks up a code from the catalogue, and says so for an unknown one', () => {
    const found = page([], { lookup: 'dsex002' });
    expect(found).toContain('💡 Microsoft Entra ID rejected the token request with AADSTS7000215');
    expect(found).toContain('🛠️ <ol><li>In the Azure portal');
    expect(page([], { lookup: 'NOPE' })).toContain('NOPE is not a code in the catalogue.');
  });

  it('carries the function key and the filters on every link and form', () => {
    const markup = page([failure()], { functionKey: 'k1', errorCode: 'DSEX012', status: 'Skipped' });
    expect(markup).toContain(
      'href="/api/errors-page?code=k1&amp;errorCode=DSEX012&amp;status=Skipped&amp;lookup=DSEX012#lookup"',
    );
    expect(markup).toContain('<input type="hidden" name="code" value="k1">');
    expect(markup).toContain('<option value="DSEX012" selected>');
    expect(markup).toContain('<option value="Skipped" selected>');
  });

  it('shows the banner only when there are alerts', () => {
    expect(page([])).not.toContain('class="banner"');
    expect(page([], {}, ['DSEX001 Expired client secret: 2 failures'])).toContain(
      '<div class="banner" role="alert">',
    );
  });
});
