import type { UnalignedEvent } from '../../domain/unalignedEvent';
import { html, type SafeHtml, time } from './html';
import { PAGE_ROUTE, type PageState } from './pageState';

/** A resource's unaligned events, when the page is asked for one (`?resourceId=`). */
export interface UnalignedEventsModel {
  readonly resourceId: string;
  readonly items: readonly UnalignedEvent[];
}

function unalignedRow(event: UnalignedEvent, canClear: boolean): SafeHtml {
  return html`<tr data-event-id="${event.eventId}">
<td>${event.start ?? ''}</td>
<td>${event.end ?? ''}</td>
<td>${event.mailbox}<br><span class="muted">${event.eventId}</span></td>
<td>${event.appointmentId}</td>
<td class="message">${event.seen}</td>
<td>${time(event.seenAt)}</td>
<td class="actions">${canClear ? html`<button type="button" data-clear-unaligned="${event.eventId}" data-resource-id="${event.resourceId}">Clear entry</button>` : ''}<span class="clear-result" role="status"></span></td>
</tr>`;
}

function list(model: UnalignedEventsModel, canClear: boolean): SafeHtml {
  if (model.items.length === 0)
    return html`<p>No unaligned events are listed for resource ${model.resourceId}.</p>`;
  return html`<table class="unaligned">
<thead><tr><th>Start</th><th>End</th><th>Mailbox and event</th><th>Appointment in its tag</th><th>What was seen</th><th>When</th><th></th></tr></thead>
<tbody>${model.items.map((event) => unalignedRow(event, canClear))}</tbody>
</table>
<p class="muted">Clearing an entry never touches the Exchange event.</p>`;
}

/**
 * Events carrying the connector's tag whose appointment it does not know: a resource's list, found by
 * its id, with a button (for `Errors.Replay`) that clears an entry.
 */
export function unalignedSection(
  state: PageState,
  model: UnalignedEventsModel | undefined,
  canClear: boolean,
): SafeHtml {
  return html`<section class="unaligned" aria-label="Unaligned events"><h2>Unaligned events</h2>
<form method="get" action="${state.apiBase}/${PAGE_ROUTE}">
<label>Resource id <input name="resourceId" value="${state.resourceId ?? ''}" placeholder="R-7"></label>
<button type="submit">Show</button>
</form>
${model ? list(model, canClear) : ''}
</section>`;
}
