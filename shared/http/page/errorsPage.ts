import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { connector } from '../../connector';
import { redactDeep } from '../../domain/redaction';
import type { Caller } from '../auth/roles';
import { failureWindow, parseFailureQuery } from '../failureQuery';
import { type FailuresPage, type LoadedFailures, loadFailures } from '../loadFailures';
import { assessSecretExpiry } from '../secretExpiry';
import { credentialAlerts } from './credentialAlerts';
import { PAGE_SCRIPT, PAGE_STYLE } from './pageAssets';
import { loadPageExtras, viewerOf } from './pageExtras';
import { readPageState } from './pageState';
import { renderPage } from './renderPage';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  // The URL carries filters (appointment ids); never send it on to another site.
  'referrer-policy': 'no-referrer',
};

/** A Map, not an object: `constructor` or `__proto__` must not find anything. */
const ASSETS = new Map<string, { contentType: string; body: string }>([
  ['page.js', { contentType: 'text/javascript; charset=utf-8', body: PAGE_SCRIPT }],
  ['page.css', { contentType: 'text/css; charset=utf-8', body: PAGE_STYLE }],
]);

function asset(name: string): HttpResponseInit {
  const found = ASSETS.get(name);
  if (!found) return { status: 404, headers: COMMON_HEADERS, body: 'Not found' };
  return {
    headers: { ...COMMON_HEADERS, 'content-type': found.contentType, 'cache-control': 'max-age=300' },
    body: found.body,
  };
}

/** `GET errors-page`: the server-rendered Errors page; `GET errors-page/{asset}`: its script and stylesheet. */
export async function errorsPage(
  request: HttpRequest,
  _context: InvocationContext,
  caller: Caller,
): Promise<HttpResponseInit> {
  if (request.params.asset) return asset(request.params.asset);
  const instance = connector();
  const now = new Date();
  const window = failureWindow(instance.settings.retryWindowDays, now);
  const parsed = parseFailureQuery(request.query, window, { code: 'errorCode' });
  const index = instance.stores.failures;
  const loaded: LoadedFailures = parsed.ok
    ? await loadFailures(index, parsed.query, window)
    : { ok: false, problem: parsed.problem, counts: await index.countFailuresByCode(window.start) };
  const failures: FailuresPage = loaded.ok ? loaded.page : { items: [], counts: loaded.counts };
  const state = readPageState(request);
  const extras = await loadPageExtras(instance.stores, state, instance.secrets(), now);
  const expiry = instance.credentialExpiry();
  const known = expiry.ok ? expiry.value : undefined;
  const markup = renderPage({
    state,
    viewer: viewerOf(caller),
    window,
    ...extras,
    failures: redactDeep(failures, instance.secrets()),
    alerts: credentialAlerts(
      failures.counts,
      window.days,
      known && assessSecretExpiry(known.expiresOn, now, known.credential),
    ),
    ...(loaded.ok ? {} : { problem: loaded.problem }),
  });
  return {
    status: loaded.ok ? 200 : 400,
    headers: {
      ...COMMON_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'cache-control': 'no-store',
    },
    body: markup,
  };
}
