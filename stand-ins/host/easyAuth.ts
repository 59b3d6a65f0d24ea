import { CLAIM_TYPES, CLIENT_PRINCIPAL_HEADER } from '../../shared/http/auth/clientPrincipal';
import type { Caller } from '../../shared/http/auth/roles';

/**
 * What App Service Authentication does in front of a function, for the local runner: it drops every
 * `x-ms-client-principal*` header a client sent, and for a signed-in caller adds its own, encoded the
 * way the platform encodes a Microsoft Entra ID sign-in (claims of the ID token, roles as `roles`).
 */
export function clientPrincipalHeaders(caller: Caller): Record<string, string> {
  const principal = {
    auth_typ: 'aad',
    name_typ: CLAIM_TYPES.name,
    role_typ: CLAIM_TYPES.role,
    claims: [
      { typ: CLAIM_TYPES.objectId, val: caller.objectId },
      { typ: CLAIM_TYPES.name, val: caller.name },
      { typ: 'name', val: caller.name },
      ...caller.roles.map((role) => ({ typ: 'roles', val: role })),
    ],
  };
  return {
    [CLIENT_PRINCIPAL_HEADER]: Buffer.from(JSON.stringify(principal)).toString('base64'),
    [`${CLIENT_PRINCIPAL_HEADER}-name`]: caller.name,
    [`${CLIENT_PRINCIPAL_HEADER}-id`]: caller.objectId,
    [`${CLIENT_PRINCIPAL_HEADER}-idp`]: 'aad',
  };
}

/** The request's headers as the function sees them behind the platform's authentication. */
export function signedInHeaders(
  headers: Readonly<Record<string, string>>,
  caller: Caller | undefined,
): Record<string, string> {
  const kept = Object.entries(headers).filter(
    ([name]) => !name.toLowerCase().startsWith(CLIENT_PRINCIPAL_HEADER),
  );
  return { ...Object.fromEntries(kept), ...(caller ? clientPrincipalHeaders(caller) : {}) };
}

export const LOCAL_SIGN_IN_NOTE =
  'Local run: sign-in is simulated. The signed-in user is LOCAL_PRINCIPAL_NAME with the roles in LOCAL_PRINCIPAL_ROLES (see local.settings.example.json); restart npm start to change them.';
