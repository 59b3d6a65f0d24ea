import type { Caller } from './roles';

/** The header App Service Authentication adds to every request it let through with a signed-in caller. */
export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';

/** Claim types as Microsoft Entra ID tokens and App Service Authentication name them. */
export const CLAIM_TYPES = {
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  role: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
} as const;

const MAX_HEADER_LENGTH = 32_768;
const MAX_CLAIMS = 500;
const MAX_NAME_LENGTH = 256;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface Claim {
  readonly typ: string;
  readonly val: string;
}

export type DecodedPrincipal =
  | { readonly ok: true; readonly caller: Caller }
  | { readonly ok: false; readonly reason: string };

function invalid(reason: string): DecodedPrincipal {
  return { ok: false, reason };
}

function isClaim(value: unknown): value is Claim {
  if (typeof value !== 'object' || value === null) return false;
  const { typ, val } = value as Record<string, unknown>;
  return typeof typ === 'string' && typeof val === 'string';
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parse(header: string): unknown {
  if (header.length > MAX_HEADER_LENGTH || !BASE64.test(header)) return undefined;
  try {
    return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The caller in App Service Authentication's `x-ms-client-principal` header (base64 of
 * `{ auth_typ, name_typ, role_typ, claims: [{ typ, val }] }`), with its shape checked: an object id
 * (a GUID, for the audit trail), a display name, and the app roles. Roles come from the claims whose
 * type is `role_typ` or `roles` (Entra ID sends `roles` whatever `role_typ` says).
 */
export function decodeClientPrincipal(header: string): DecodedPrincipal {
  const parsed = parse(header.trim());
  if (typeof parsed !== 'object' || parsed === null) return invalid('it is not base64-encoded JSON');
  const principal = parsed as Record<string, unknown>;
  const { claims } = principal;
  if (!Array.isArray(claims) || claims.length > MAX_CLAIMS || !claims.every(isClaim))
    return invalid('its claims are not a list of { typ, val } strings');
  const of = (...types: readonly (string | undefined)[]) =>
    types.flatMap((type) => (type ? claims.filter((claim) => claim.typ === type).map((c) => c.val) : []));
  const objectId = of(CLAIM_TYPES.objectId, 'oid')[0];
  if (!objectId || !GUID.test(objectId)) return invalid('it carries no object id');
  const roleType = optionalText(principal.role_typ) ?? CLAIM_TYPES.role;
  const roles = [...new Set(of(roleType, 'roles'))];
  const appId = of('appid', 'azp')[0];
  const name =
    of(optionalText(principal.name_typ), 'name', 'preferred_username', CLAIM_TYPES.name)[0] ??
    (appId ? `application ${appId}` : objectId);
  return { ok: true, caller: { name: name.slice(0, MAX_NAME_LENGTH), objectId, roles } };
}
