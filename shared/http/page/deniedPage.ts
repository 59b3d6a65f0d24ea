import type { HttpResponseInit } from '@azure/functions';
import { COMMON_HEADERS, CONTENT_SECURITY_POLICY } from './errorsPage';
import { html } from './html';

/**
 * The page's answer to a caller without a principal (401) or without the role (403). In Azure the
 * platform sends an anonymous browser to sign in before the function runs, so this shows only when
 * sign-in is off or the role is missing.
 */
export function deniedPage(status: 401 | 403, message: string): HttpResponseInit {
  const title = status === 401 ? 'Sign-in needed' : 'No access to the Errors page';
  const body = html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title} · Exchange connector</title></head>
<body>
<h1>${title}</h1>
<p class="denied" role="alert">${message}</p>
<p><a href="/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent('/api/errors-page')}">Sign in</a> · <a href="/.auth/logout">Sign out</a></p>
</body>
</html>
`.markup;
  return {
    status,
    headers: {
      ...COMMON_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'cache-control': 'no-store',
    },
    body,
  };
}
