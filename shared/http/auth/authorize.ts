import type { HttpRequest } from '@azure/functions';
import type { Environment } from '../../settings';
import { CLIENT_PRINCIPAL_HEADER, decodeClientPrincipal } from './clientPrincipal';
import { type AppRole, type Caller, holds } from './roles';

export type Authorization =
  | { readonly ok: true; readonly caller: Caller }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string };

/**
 * Whether App Service Authentication runs in front of this app. The platform sets
 * `WEBSITE_AUTH_ENABLED=True` in the process of an app whose `authsettingsV2` are on, and only then
 * does it strip any `x-ms-client-principal` a client sent and write its own. Without it the header is
 * whatever the client typed, so it is never read: every request is then anonymous (401). Nothing in
 * the Bicep sets this variable; the local runner sets it as the platform does.
 */
export function platformAuthenticationEnabled(env: Environment = process.env): boolean {
  return env.WEBSITE_AUTH_ENABLED?.trim().toLowerCase() === 'true';
}

/** The caller of a request, when the platform vouches for one and they hold the role; 401 or 403 otherwise. */
export function authorize(
  request: HttpRequest,
  role: AppRole,
  env: Environment = process.env,
): Authorization {
  if (!platformAuthenticationEnabled(env))
    return {
      ok: false,
      status: 401,
      message:
        'Sign-in is not on for this app (App Service Authentication is off), so no caller can be trusted. Turn it on as docs/deploy.md describes.',
    };
  const header = request.headers.get(CLIENT_PRINCIPAL_HEADER);
  if (!header) return { ok: false, status: 401, message: 'Sign in to use the Errors page and API.' };
  const decoded = decodeClientPrincipal(header);
  if (!decoded.ok)
    return { ok: false, status: 401, message: `The signed-in principal cannot be read: ${decoded.reason}.` };
  if (!holds(decoded.caller, role))
    return {
      ok: false,
      status: 403,
      message: `${decoded.caller.name} does not hold the app role ${role} of the sign-in app registration; an administrator assigns it (docs/deploy.md).`,
    };
  return decoded;
}
