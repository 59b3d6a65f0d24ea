import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { connector } from '../connector';
import { catalogueEntry } from '../domain/catalogue';
import type { FailureSummary } from '../domain/ports';
import { redactDeep } from '../domain/redaction';
import { type CsvValue, toCsv } from './csv';
import { failureWindow, MAX_PAGE_SIZE, parseFailureQuery } from './failureQuery';
import { problemResponse } from './responses';

export const EXPORT_ROUTE = 'errors-export';
/** An export holds at most this many rows (the newest); `x-export-truncated` says when there were more. */
export const MAX_EXPORT_ROWS = 5_000;

const HEADER = [
  'Last attempt (UTC)',
  'First recorded (UTC)',
  'Code',
  'Title',
  'Status',
  'Appointment',
  'Operation',
  'Resources',
  'Attempts',
  'Next retry (UTC)',
  'Needs manual action',
  'Message',
  'Transaction',
];

function cells(item: FailureSummary): CsvValue[] {
  return [
    item.lastAttemptAt.toISOString(),
    item.createdAt.toISOString(),
    item.code,
    item.code ? catalogueEntry(item.code).title : undefined,
    item.status,
    item.appointmentId,
    item.operation,
    item.resources.map((resource) => `${resource.name} <${resource.mailbox}>`).join('; '),
    item.attempts,
    item.nextAttemptAt?.toISOString(),
    item.needsManualAction,
    item.message,
    item.transactionId,
  ];
}

/**
 * `GET errors-export?errorCode=&status=&appointmentId=&since=`: the failures the page's filters select,
 * every page of them (newest first, up to MAX_EXPORT_ROWS), as a CSV download.
 */
export async function errorsExport(request: HttpRequest): Promise<HttpResponseInit> {
  const instance = connector();
  const secrets = instance.secrets();
  const now = new Date();
  const parsed = parseFailureQuery(request.query, failureWindow(instance.settings.retryWindowDays, now), {
    code: 'errorCode',
  });
  if (!parsed.ok) return problemResponse(400, parsed.problem.message, secrets, parsed.problem.parameter);
  const { continuationToken: _fromTheStart, ...query } = parsed.query;
  const items: FailureSummary[] = [];
  let token: string | undefined;
  do {
    const page = await instance.stores.failures.listFailures({
      ...query,
      pageSize: MAX_PAGE_SIZE,
      ...(token ? { continuationToken: token } : {}),
    });
    items.push(...page.items);
    token = page.continuationToken;
  } while (token && items.length < MAX_EXPORT_ROWS);
  const rows = redactDeep(items.slice(0, MAX_EXPORT_ROWS).map(cells), secrets);
  return {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="exchange-failures-${now.toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(token || items.length > MAX_EXPORT_ROWS ? { 'x-export-truncated': 'true' } : {}),
    },
    body: toCsv(HEADER, rows),
  };
}
