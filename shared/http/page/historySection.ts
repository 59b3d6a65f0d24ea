import type { HistoryRow } from '../../domain/appointmentHistory';
import { catalogueEntry } from '../../domain/catalogue';
import type { ManualReplay } from '../../domain/replayAudit';
import { html, type SafeHtml, time } from './html';
import { type PageState, pageHref } from './pageState';

/** How many rows of one appointment the page lists. */
export const HISTORY_ROWS = 50;

export interface AppointmentHistoryModel {
  readonly appointmentId: string;
  /** Oldest first, each with its manual replays (newest first). */
  readonly rows: readonly (HistoryRow & { readonly manualReplays: readonly ManualReplay[] })[];
  readonly more: boolean;
}

function replays(entries: readonly ManualReplay[]): SafeHtml {
  if (entries.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="audit">${entries.map(
    (entry) =>
      html`<li>${time(entry.requestedAt)} by <strong>${entry.requestedBy.name}</strong> <span class="muted">${entry.requestedBy.objectId} · ${entry.messageId}</span></li>`,
  )}</ul>`;
}

function historyRow(state: PageState, row: AppointmentHistoryModel['rows'][number]): SafeHtml {
  const entry = row.code ? catalogueEntry(row.code) : undefined;
  return html`<tr data-transaction-id="${row.transactionId}" data-state="${row.status}">
<td>${time(row.createdAt)}</td>
<td>${time(row.lastAttemptAt)}</td>
<td>${row.operation}</td>
<td class="status">${row.status}</td>
<td class="code-cell">${entry ? html`<a class="code" href="${pageHref(state, { lookup: entry.code })}#lookup">${entry.code}</a>` : ''}</td>
<td class="attempts">${row.attempts}</td>
<td class="message">${row.message}<br><span class="muted">${row.transactionId}</span></td>
<td class="replays">${replays(row.manualReplays)}</td>
</tr>`;
}

/** Every row of the filtered appointment, oldest first, successes included, with who replayed each. */
export function historySection(state: PageState, history: AppointmentHistoryModel | undefined): SafeHtml {
  if (!history) return html``;
  const body =
    history.rows.length === 0
      ? html`<p>No rows recorded for this appointment.</p>`
      : html`<table class="history">
<thead><tr><th>Recorded</th><th>Last attempt</th><th>Operation</th><th>Status</th><th>Code</th><th>Attempts</th><th>Message</th><th>Manual replays</th></tr></thead>
<tbody>${history.rows.map((row) => historyRow(state, row))}</tbody>
</table>${history.more ? html`<p class="muted">The first ${history.rows.length} rows are shown.</p>` : ''}`;
  return html`<section class="history" aria-label="History of the appointment"><h2>History of appointment ${history.appointmentId}</h2>${body}</section>`;
}
