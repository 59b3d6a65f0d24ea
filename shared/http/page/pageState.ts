import type { HttpRequest } from '@azure/functions';
import { queryValue } from '../failureQuery';

export const PAGE_ROUTE = 'errors-page';

/** What the page was asked for, kept as typed so the forms and links can carry it on. */
export interface PageState {
  /** Where the app's routes start, e.g. `/api` (the host's route prefix). */
  readonly apiBase: string;
  readonly errorCode?: string | undefined;
  readonly status?: string | undefined;
  readonly appointmentId?: string | undefined;
  readonly lookup?: string | undefined;
  /** The resource whose unaligned events are shown. */
  readonly resourceId?: string | undefined;
}

type PageParameter = Exclude<keyof PageState, 'apiBase'> | 'continuationToken';

export function readPageState(request: HttpRequest): PageState {
  const url = new URL(request.url);
  const query = request.query;
  return {
    apiBase: url.pathname.slice(0, url.pathname.toLowerCase().indexOf(`/${PAGE_ROUTE}`)),
    errorCode: queryValue(query, 'errorCode'),
    status: queryValue(query, 'status'),
    appointmentId: queryValue(query, 'appointmentId'),
    lookup: queryValue(query, 'lookup'),
    resourceId: queryValue(query, 'resourceId'),
  };
}

/** A URL of the app (under the route prefix). Sign-in is a cookie or a bearer token: no key in any URL. */
export function appHref(
  state: PageState,
  route: string,
  query: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const search = params.toString();
  return `${state.apiBase}/${route}${search ? `?${search}` : ''}`;
}

/** The page with the current filters and lookup, changed as given (`undefined` drops a parameter). */
export function pageHref(
  state: PageState,
  changes: Partial<Record<PageParameter, string | undefined>> = {},
): string {
  const { errorCode, status, appointmentId, lookup, resourceId } = state;
  return appHref(state, PAGE_ROUTE, { errorCode, status, appointmentId, lookup, resourceId, ...changes });
}
