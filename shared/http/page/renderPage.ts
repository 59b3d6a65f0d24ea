import type { FailureDay } from '../../adapters/tables/failureDays';
import { CATALOGUE, type CatalogueEntry, catalogueEntry, isCode } from '../../domain/catalogue';
import type { FailureSummary } from '../../domain/ports';
import { EXPORT_ROUTE } from '../errorsExport';
import { FAILURE_STATUSES, type FailureWindow, type QueryProblem } from '../failureQuery';
import type { FailuresPage } from '../loadFailures';
import { canReplay } from '../views';
import { failureChart } from './failureChart';
import { type AppointmentHistoryModel, historySection } from './historySection';
import { html, type SafeHtml, time } from './html';
import { appHref, PAGE_ROUTE, type PageState, pageHref } from './pageState';
import { type UnalignedEventsModel, unalignedSection } from './unalignedSection';

/** Who is looking: the page offers Replay only to an `Errors.Replay` holder. */
export interface Viewer {
  readonly name: string;
  readonly roles: readonly string[];
  readonly canReplay: boolean;
}

export interface PageModel {
  readonly state: PageState;
  readonly viewer: Viewer;
  readonly window: FailureWindow;
  readonly failures: FailuresPage;
  /** Set when a filter value was rejected; the list is then empty. */
  readonly problem?: QueryProblem;
  readonly alerts: readonly string[];
  /** Open failures per code on each of the chart's days, oldest first. */
  readonly chart: readonly FailureDay[];
  /** Set when the list is filtered to one appointment. */
  readonly history?: AppointmentHistoryModel | undefined;
  /** Set when the page is asked for one resource's unaligned events. */
  readonly unaligned?: UnalignedEventsModel | undefined;
}

function signedIn(viewer: Viewer): SafeHtml {
  return html`<p class="signed-in">Signed in as <strong>${viewer.name}</strong> <span class="muted">(${viewer.roles.join(', ') || 'no role'})</span> · <a href="/.auth/logout">Sign out</a></p>`;
}

function banner(alerts: readonly string[]): SafeHtml {
  if (alerts.length === 0) return html``;
  return html`<div class="banner" role="alert"><strong>Exchange credentials need attention</strong>
<ul>${alerts.map((alert) => html`<li>${alert}</li>`)}</ul></div>`;
}

function counts(model: PageModel): SafeHtml {
  const rows = CATALOGUE.filter((entry) => (model.failures.counts[entry.code] ?? 0) > 0);
  if (rows.length === 0)
    return html`<p class="counts-empty">No failures in the last ${model.window.days} days.</p>`;
  return html`<ul class="counts">${rows.map(
    (entry) =>
      html`<li><a href="${pageHref(model.state, { errorCode: entry.code })}"><span class="code">${entry.code}</span> ${entry.title}</a> <span class="count">${model.failures.counts[entry.code] ?? 0}</span></li>`,
  )}</ul>`;
}

function options(
  values: readonly { value: string; label: string }[],
  selected: string | undefined,
): SafeHtml[] {
  return values.map(({ value, label }) =>
    value === selected
      ? html`<option value="${value}" selected>${label}</option>`
      : html`<option value="${value}">${label}</option>`,
  );
}

function hidden(name: string, value: string | undefined): SafeHtml {
  return value ? html`<input type="hidden" name="${name}" value="${value}">` : html``;
}

function filterForm(state: PageState): SafeHtml {
  const { errorCode, status, appointmentId } = state;
  return html`<form class="filters" method="get" action="${state.apiBase}/${PAGE_ROUTE}">
<label>Code <select name="errorCode"><option value="">All codes</option>${options(
    CATALOGUE.map((entry) => ({ value: entry.code, label: `${entry.code} ${entry.title}` })),
    state.errorCode,
  )}</select></label>
<label>Status <select name="status"><option value="">All statuses</option>${options(
    FAILURE_STATUSES.map((status) => ({ value: status, label: status })),
    state.status,
  )}</select></label>
<label>Appointment <input name="appointmentId" value="${state.appointmentId ?? ''}" placeholder="A-1001"></label>
<button type="submit">Filter</button> <a href="${appHref(state, PAGE_ROUTE)}">Clear</a>
<a class="export" href="${appHref(state, EXPORT_ROUTE, { errorCode, status, appointmentId })}" download>Download CSV</a>
</form>`;
}

function lookupEntry(entry: CatalogueEntry): SafeHtml {
  return html`<h2><span class="code">${entry.code}</span> ${entry.title}</h2>
<p class="facts">Status <strong>${entry.status}</strong> · Retry <strong>${entry.retry}</strong>${entry.setting ? html` · Setting <code>${entry.setting}</code>` : ''}</p>
<p class="meaning">💡 ${entry.meaning}</p>
<div class="steps">🛠️ <ol>${entry.steps.map((step) => html`<li>${step}</li>`)}</ol></div>`;
}

function lookup(state: PageState): SafeHtml {
  const typed = state.lookup?.toUpperCase();
  const found =
    typed === undefined ? undefined : isCode(typed) ? lookupEntry(catalogueEntry(typed)) : undefined;
  return html`<section class="lookup" id="lookup" aria-label="Code lookup">
<form method="get" action="${state.apiBase}/${PAGE_ROUTE}">
${hidden('errorCode', state.errorCode)}${hidden('status', state.status)}${hidden('appointmentId', state.appointmentId)}
<label>Look up a code <input name="lookup" list="codes" value="${state.lookup ?? ''}" placeholder="DSEX002"></label>
<datalist id="codes">${CATALOGUE.map((entry) => html`<option value="${entry.code}">${entry.title}</option>`)}</datalist>
<button type="submit">Look up</button>
</form>
${found ?? (state.lookup ? html`<p class="problem">${state.lookup} is not a code in the catalogue.</p>` : '')}
</section>`;
}

function nextRetry(item: FailureSummary): SafeHtml {
  if (item.nextAttemptAt) return time(item.nextAttemptAt);
  return html`<span class="muted">${item.needsManualAction ? 'not any more' : 'none'}</span>`;
}

function row(model: PageModel, item: FailureSummary): SafeHtml {
  const { state } = model;
  const entry = item.code ? catalogueEntry(item.code) : undefined;
  return html`<tr data-transaction-id="${item.transactionId}" data-last-attempt="${item.lastAttemptAt.toISOString()}" class="retry-${entry?.retry.replace(' ', '-') ?? 'none'}${item.needsManualAction ? ' manual' : ''}">
<td>${time(item.lastAttemptAt)}</td>
<td class="code-cell">${entry ? html`<a class="code" href="${pageHref(state, { lookup: entry.code })}#lookup">${entry.code}</a><br><span class="title">${entry.title}</span>` : ''}</td>
<td class="status">${item.status}</td>
<td class="appointment">${item.appointmentId ? html`<a class="history-link" href="${pageHref(state, { appointmentId: item.appointmentId, continuationToken: undefined })}">${item.appointmentId}</a>` : ''}<br><span class="muted">${item.operation}</span></td>
<td class="resources"><ul>${item.resources.map((resource) => html`<li>${resource.name} <span class="muted">${resource.mailbox}</span></li>`)}</ul></td>
<td class="attempts">${item.attempts}</td>
<td class="next">${nextRetry(item)}</td>
<td class="message">${item.needsManualAction ? html`<span class="badge">Needs manual action</span> ` : ''}${item.message}<br><span class="muted">${item.transactionId}</span></td>
<td class="actions">${model.viewer.canReplay && canReplay(item) ? html`<button type="button" data-replay="${item.transactionId}">Replay</button>` : ''}<span class="replay-result" role="status"></span></td>
</tr>`;
}

function failures(model: PageModel): SafeHtml {
  if (model.problem) return html`<p class="problem" role="alert">${model.problem.message}</p>`;
  if (model.failures.items.length === 0) return html`<p>No failures match.</p>`;
  return html`<table class="failures">
<thead><tr><th>Last attempt</th><th>Code</th><th>Status</th><th>Appointment</th><th>Resources</th><th>Attempts</th><th>Next retry</th><th>Message</th><th></th></tr></thead>
<tbody>${model.failures.items.map((item) => row(model, item))}</tbody>
</table>
${model.failures.continuationToken ? html`<p><a class="older" href="${pageHref(model.state, { continuationToken: model.failures.continuationToken })}">Older failures →</a></p>` : ''}`;
}

/** The Errors page. Every value is escaped by `html`; the only script is the separate page.js. */
export function renderPage(model: PageModel): string {
  const { state } = model;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Transaction errors · Exchange connector</title>
<link rel="stylesheet" href="${appHref(state, `${PAGE_ROUTE}/page.css`)}">
<script defer src="${appHref(state, `${PAGE_ROUTE}/page.js`)}"></script>
</head>
<body data-api-base="${state.apiBase}">
<header>${signedIn(model.viewer)}<h1>Transaction errors</h1>
<p>Exchange sync failures of the last ${model.window.days} days, newest first. Configuration failures are replayed automatically once the setting is fixed.</p></header>
${banner(model.alerts)}
<main>
<section aria-label="Failures per day"><h2>Open failures per day, by code</h2>${failureChart(model.chart)}</section>
<section aria-label="Failures per code"><h2>Failures per code</h2>${counts(model)}</section>
${lookup(state)}
<section aria-label="Failures"><h2>Failures</h2>${filterForm(state)}${failures(model)}</section>
${historySection(state, model.history)}
${unalignedSection(state, model.unaligned, model.viewer.canReplay)}
</main>
</body>
</html>
`.markup;
}
