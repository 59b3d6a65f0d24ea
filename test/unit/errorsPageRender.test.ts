import { describe, expect, it } from 'vitest';
import type { FailureDay } from '../../shared/adapters/tables/failureDays';
import type { FailureSummary } from '../../shared/domain/ports';
import { failureWindow } from '../../shared/http/failureQuery';
import { escapeHtml, html } from '../../shared/http/page/html';
import { type PageModel, renderPage, type Viewer } from '../../shared/http/page/renderPage';

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

const OPERATOR: Viewer = { name: 'Ada Admin', roles: ['Errors.Replay'], canReplay: true };
const READER: Viewer = { name: 'Rita Reader', roles: ['Errors.Read'], canReplay: false };

function page(items: FailureSummary[], state = {}, alerts: string[] = [], model: Partial<PageModel> = {}) {
  return renderPage({
    state: { apiBase: '/api', ...state },
    viewer: OPERATOR,
    window: failureWindow(14, now),
    failures: { items, counts: { DSEX012: items.length } },
    alerts,
    chart: [],
    ...model,
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
      { appointmentId: HOSTILE, lookup: HOSTILE },
      [],
      { viewer: { ...OPERATOR, name: HOSTILE } },
    );
    expect(markup).not.toContain('<script>window');
    expect(markup).not.toContain('<img');
    expect(markup).toContain(escapeHtml(HOSTILE));
    expect(markup.match(/<script/g)).toHaveLength(1);
    expect(markup).toContain('<script defer src="/api/errors-page/page.js">');
    expect(markup).toContain(`Signed in as <strong>${escapeHtml(HOSTILE)}</strong>`);
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

  it('carries the filters on every link and form, and no key in any URL', () => {
    const markup = page([failure()], { errorCode: 'DSEX012', status: 'Skipped' });
    expect(markup).toContain(
      'href="/api/errors-page?errorCode=DSEX012&amp;status=Skipped&amp;lookup=DSEX012#lookup"',
    );
    expect(markup).toContain('href="/api/errors-export?errorCode=DSEX012&amp;status=Skipped" download');
    expect(markup).not.toMatch(/[?&;]code=/);
    expect(markup).not.toContain('name="code"');
    expect(markup).toContain('<option value="DSEX012" selected>');
    expect(markup).toContain('<option value="Skipped" selected>');
  });

  it('offers Replay to an Errors.Replay holder only, and names who is signed in', () => {
    const reader = page([failure()], {}, [], { viewer: READER });
    expect(reader).not.toContain('data-replay');
    expect(reader).toContain(
      'Signed in as <strong>Rita Reader</strong> <span class="muted">(Errors.Read)</span>',
    );
    expect(page([failure()])).toContain('data-replay="tx-1"');
  });

  it('links each appointment to its history, and shows the history oldest first with who replayed', () => {
    const created = (minute: number) => new Date(`2026-11-24T09:${String(minute).padStart(2, '0')}:00Z`);
    const row = (id: string, minute: number, status: 'Success' | 'Failed') => ({
      transactionId: id,
      appointmentId: 'A-1',
      operation: 'upsert' as const,
      status,
      message: status === 'Success' ? 'Synced 1 resource event.' : '[DSEX040] Graph is down.',
      attempts: 1,
      createdAt: created(minute),
      lastAttemptAt: created(minute),
    });
    const markup = page([failure()], { appointmentId: 'A-1' }, [], {
      history: {
        appointmentId: 'A-1',
        more: false,
        rows: [
          { ...row('tx-a', 1, 'Failed'), code: 'DSEX040', manualReplays: [] },
          {
            ...row('tx-b', 5, 'Success'),
            manualReplays: [
              {
                transactionId: 'tx-b',
                messageId: 'replay:tx-b:1:manual',
                requestedAt: created(7),
                requestedBy: { name: 'Ada Admin', objectId: '00000000-0000-0000-0000-00000000000a' },
              },
            ],
          },
        ],
      },
    });
    expect(markup).toContain('<a class="history-link" href="/api/errors-page?appointmentId=A-1">A-1</a>');
    expect(markup).toContain('<h2>History of appointment A-1</h2>');
    expect(markup.indexOf('data-transaction-id="tx-a"')).toBeLessThan(
      markup.indexOf('data-transaction-id="tx-b"'),
    );
    expect(markup).toContain(
      '2026-11-24 09:07 UTC</time> by <strong>Ada Admin</strong> <span class="muted">00000000-0000-0000-0000-00000000000a · replay:tx-b:1:manual</span>',
    );
    expect(page([failure()])).not.toContain('History of appointment');
  });

  it('draws the open failures per code per day as stacked SVG bars, coloured without style attributes', () => {
    const chart: FailureDay[] = [
      { day: '20261123', counts: {} },
      { day: '20261124', counts: { DSEX012: 2, DSEX001: 1 } },
    ];
    const markup = page([], {}, [], { chart });
    expect(markup).toContain('<title>DSEX012 on 2026-11-24: 2</title>');
    expect(markup).toContain('<title>DSEX001 on 2026-11-24: 1</title>');
    expect(markup).toContain('<g class="day" data-day="2026-11-24" data-total="3">');
    expect(markup).toContain('<g class="day" data-day="2026-11-23" data-total="0">');
    // DSEX001 comes first in the catalogue, so it sits at the bottom with the first colour.
    expect(markup).toMatch(/<rect [^>]*fill="#d13438"><title>DSEX001/);
    expect(markup).not.toMatch(/style=/);
    expect(page([], {}, [], { chart: [{ day: '20261124', counts: {} }] })).toContain(
      'No open failures first recorded in the last 1 days.',
    );
  });

  it('shows the banner only when there are alerts', () => {
    expect(page([])).not.toContain('class="banner"');
    expect(page([], {}, ['DSEX001 Expired client secret: 2 failures'])).toContain(
      '<div class="banner" role="alert">',
    );
  });
});

describe('Errors page: unaligned events', () => {
  const unaligned = {
    resourceId: 'R-7',
    items: [
      {
        kind: 'no appointment' as const,
        resourceId: 'R-7',
        mailbox: 'room4@contoso.com',
        eventId: HOSTILE,
        appointmentId: 'A-gone',
        start: '2027-01-12T09:00:00Z',
        end: '2027-01-12T10:00:00Z',
        seen: "The event carries the connector's tag for appointment A-gone (resource R-7), an appointment the connector does not know.",
        seenAt: now,
      },
    ],
  };

  it("lists a resource's entries with a clear button for Errors.Replay only, every value escaped", () => {
    const markup = page([], { resourceId: 'R-7' }, [], { unaligned });
    expect(markup).toContain('<section class="unaligned" aria-label="Unaligned events">');
    expect(markup).toContain('<td>2027-01-12T09:00:00Z</td>');
    expect(markup).toContain('an appointment the connector does not know.');
    expect(markup).toContain(`data-clear-unaligned="${escapeHtml(HOSTILE)}" data-resource-id="R-7"`);
    expect(markup).not.toContain(HOSTILE);
    expect(page([], { resourceId: 'R-7' }, [], { unaligned, viewer: READER })).not.toContain(
      'data-clear-unaligned',
    );
  });

  it('offers the resource form alone until a resource is asked for, and says when it has none', () => {
    const empty = page([]);
    expect(empty).toContain('<input name="resourceId" value=""');
    expect(empty).not.toContain('<table class="unaligned">');
    expect(page([], { resourceId: 'R-8' }, [], { unaligned: { resourceId: 'R-8', items: [] } })).toContain(
      'No unaligned events are listed for resource R-8.',
    );
  });
});
