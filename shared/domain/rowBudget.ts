import { ROW_BUDGET } from './storageLimits';
import type { ResourceOutcome, TransactionRecord } from './transaction';

/** Room kept for the marker outcome that says how many outcomes are not shown. */
const MARKER_RESERVE = 200;

/** The longest prefix within `limit` code units that does not split a surrogate pair. */
function prefix(text: string, limit: number): string {
  const last = text.charCodeAt(limit - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit);
}

/** `text` within `limit` code units: when longer, its start and `… N more characters not shown`. */
export function cutWithMarker(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let kept = limit;
  for (;;) {
    const head = prefix(text, kept);
    const cut = `${head}… ${text.length - head.length} more characters not shown`;
    if (cut.length <= limit) return cut;
    kept -= cut.length - limit;
  }
}

function fitOutcome(outcome: ResourceOutcome): ResourceOutcome {
  return { ...outcome, message: cutWithMarker(outcome.message, ROW_BUDGET.outcomeMessage) };
}

/**
 * The outcomes that fit the row's budget as JSON, failures first, in their original order; when
 * some do not fit, a last outcome (no resource id) says how many are not shown.
 */
function fitOutcomes(
  outcomes: readonly ResourceOutcome[],
  status: ResourceOutcome['status'],
): ResourceOutcome[] {
  const fitted = outcomes.map(fitOutcome);
  const sizes = fitted.map((outcome) => JSON.stringify(outcome).length + 1);
  const total = sizes.reduce((sum, size) => sum + size, 2);
  if (total <= ROW_BUDGET.resourceOutcomes) return fitted;
  const byPriority = fitted
    .map((outcome, index) => ({ index, failed: outcome.status !== 'Success' }))
    .sort((a, b) => Number(b.failed) - Number(a.failed) || a.index - b.index);
  const keep = new Set<number>();
  let used = 2 + MARKER_RESERVE;
  for (const { index } of byPriority) {
    const size = sizes[index] ?? 0;
    if (used + size > ROW_BUDGET.resourceOutcomes) continue;
    keep.add(index);
    used += size;
  }
  const left = fitted.length - keep.size;
  const marker = `… ${left} more resource outcome${left === 1 ? '' : 's'} not shown`;
  return [
    ...fitted.filter((_, index) => keep.has(index)),
    { resourceId: '', name: marker, mailbox: '', action: 'none', status, message: marker },
  ];
}

/**
 * A row that fits Table Storage (see ROW_BUDGET): the message, each outcome's message and the raw
 * body cut with a marker, outcomes beyond the budget left out with a marker. The code, the status
 * and the message's `[CODE]` prefix are never cut.
 */
export function fitToRowBudget(record: TransactionRecord): TransactionRecord {
  return {
    ...record,
    message: cutWithMarker(record.message, ROW_BUDGET.message),
    ...(record.operation === 'invalid' && record.appointmentId.length > ROW_BUDGET.invalidAppointmentId
      ? { appointmentId: prefix(record.appointmentId, ROW_BUDGET.invalidAppointmentId) }
      : {}),
    resources: fitOutcomes(record.resources, record.status),
    ...(record.rawBody === undefined ? {} : { rawBody: cutWithMarker(record.rawBody, ROW_BUDGET.rawBody) }),
  };
}
