import { CATALOGUE, isCode } from '../domain/catalogue';
import type { FailureQuery } from '../domain/ports';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
const MAX_APPOINTMENT_ID_LENGTH = 256;
const DAY_MS = 86_400_000;

/** The statuses a failure can have: every status the catalogue assigns (Success never appears there). */
/** Statuses a failure row can have: every catalogue status but Success (DSEX073 is informational). */
export const FAILURE_STATUSES: readonly string[] = [
  ...new Set(CATALOGUE.map((entry) => entry.status).filter((status) => status !== 'Success')),
];

export interface FailureWindow {
  readonly days: number;
  readonly start: Date;
}

export function failureWindow(days: number, now: Date): FailureWindow {
  return { days, start: new Date(now.getTime() - days * DAY_MS) };
}

export interface QueryProblem {
  readonly parameter: string;
  readonly message: string;
}

export type ParsedQuery =
  | { readonly ok: true; readonly query: FailureQuery }
  | { readonly ok: false; readonly problem: QueryProblem };

/**
 * Names of the query parameters. The page calls the code filter `errorCode`: named so while a function
 * key travelled as `?code=`, and kept so the links administrators saved still filter the same.
 */
export interface FailureQueryNames {
  readonly code: string;
}

/** An empty value (an untouched field of the page's GET form) means "no filter". */
export function queryValue(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name)?.trim();
  return value ? value : undefined;
}

function problem(parameter: string, message: string): ParsedQuery {
  return { ok: false, problem: { parameter, message } };
}

export function parseFailureQuery(
  params: URLSearchParams,
  window: FailureWindow,
  names: FailureQueryNames = { code: 'code' },
): ParsedQuery {
  const code = queryValue(params, names.code);
  if (code !== undefined && !isCode(code))
    return problem(names.code, `${names.code} "${code}" is not a code in the catalogue (see /codes).`);

  const status = queryValue(params, 'status');
  if (status !== undefined && !FAILURE_STATUSES.includes(status))
    return problem('status', `status "${status}" is not one of ${FAILURE_STATUSES.join(', ')}.`);

  const appointmentId = queryValue(params, 'appointmentId');
  if (appointmentId !== undefined && appointmentId.length > MAX_APPOINTMENT_ID_LENGTH)
    return problem('appointmentId', `appointmentId is longer than ${MAX_APPOINTMENT_ID_LENGTH} characters.`);

  let since = window.start;
  const sinceText = queryValue(params, 'since');
  if (sinceText !== undefined) {
    since = new Date(sinceText);
    if (!/^\d{4}-\d{2}-\d{2}/.test(sinceText) || Number.isNaN(since.getTime()))
      return problem(
        'since',
        `since "${sinceText}" is not an ISO 8601 date such as 2026-11-24 or 2026-11-24T09:00:00Z.`,
      );
    if (since < window.start)
      return problem(
        'since',
        `since must lie inside the last ${window.days} days (from ${window.start.toISOString()}).`,
      );
  }

  let pageSize = DEFAULT_PAGE_SIZE;
  const pageSizeText = queryValue(params, 'pageSize');
  if (pageSizeText !== undefined) {
    pageSize = Number(pageSizeText);
    if (!/^\d+$/.test(pageSizeText) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)
      return problem(
        'pageSize',
        `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, not "${pageSizeText}".`,
      );
  }

  // The index judges its own token: a malformed one surfaces from loadFailures.
  const continuationToken = queryValue(params, 'continuationToken');

  return {
    ok: true,
    query: {
      since,
      pageSize,
      ...(code ? { code } : {}),
      ...(status ? { status } : {}),
      ...(appointmentId ? { appointmentId } : {}),
      ...(continuationToken ? { continuationToken } : {}),
    },
  };
}
