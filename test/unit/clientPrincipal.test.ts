import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { authorize, platformAuthenticationEnabled } from '../../shared/http/auth/authorize';
import { CLAIM_TYPES, decodeClientPrincipal } from '../../shared/http/auth/clientPrincipal';
import { ERRORS_READ, ERRORS_REPLAY } from '../../shared/http/auth/roles';
import { readLocalPrincipal } from '../../shared/settings';
import { clientPrincipalHeaders, signedInHeaders } from '../../stand-ins/host/easyAuth';

const OID = '7d3e5a4c-1111-4222-8333-944455556666';
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

/** A principal as App Service Authentication writes it for a Microsoft Entra ID sign-in. */
function entraPrincipal(roles: string[], extra: { typ: string; val: string }[] = []) {
  return encode({
    auth_typ: 'aad',
    name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    role_typ: CLAIM_TYPES.role,
    claims: [
      { typ: 'aud', val: 'c0ffee00-0000-4000-8000-000000000001' },
      { typ: CLAIM_TYPES.objectId, val: OID },
      { typ: 'name', val: 'Ada Admin' },
      { typ: 'preferred_username', val: 'ada@contoso.com' },
      ...roles.map((role) => ({ typ: 'roles', val: role })),
      ...extra,
    ],
  });
}

const request = (headers: Record<string, string>) =>
  new HttpRequest({ method: 'GET', url: 'https://func.example/api/errors', headers });
const ON = { WEBSITE_AUTH_ENABLED: 'True' };

describe('x-ms-client-principal', () => {
  it('reads the name, object id and roles of an Entra ID sign-in (roles under `roles` whatever role_typ says)', () => {
    expect(decodeClientPrincipal(entraPrincipal([ERRORS_READ, ERRORS_REPLAY, ERRORS_READ]))).toEqual({
      ok: true,
      caller: { name: 'Ada Admin', objectId: OID, roles: [ERRORS_READ, ERRORS_REPLAY] },
    });
  });

  it('reads roles under role_typ and an application caller of client credentials (oid, appid, no name)', () => {
    const app = encode({
      auth_typ: 'aad',
      role_typ: 'role',
      claims: [
        { typ: 'oid', val: OID },
        { typ: 'appid', val: 'feedface-0000-4000-8000-000000000002' },
        { typ: 'role', val: ERRORS_READ },
      ],
    });
    expect(decodeClientPrincipal(app)).toEqual({
      ok: true,
      caller: {
        name: 'application feedface-0000-4000-8000-000000000002',
        objectId: OID,
        roles: [ERRORS_READ],
      },
    });
  });

  it.each([
    ['not base64', '%%%'],
    ['base64 of text', Buffer.from('hello').toString('base64')],
    ['no claims', encode({ auth_typ: 'aad' })],
    ['claims of the wrong shape', encode({ claims: [{ typ: 'roles', val: 7 }] })],
    ['no object id', encode({ claims: [{ typ: 'roles', val: ERRORS_REPLAY }] })],
    ['an object id that is no GUID', encode({ claims: [{ typ: 'oid', val: 'admin' }] })],
    ['too long a header', 'A'.repeat(40_000)],
  ])('refuses %s', (_, header) => {
    expect(decodeClientPrincipal(header).ok).toBe(false);
  });
});

describe('authorize', () => {
  it('answers 401 with no principal, 403 without the role, and the caller with it', () => {
    expect(authorize(request({}), ERRORS_READ, ON)).toMatchObject({ ok: false, status: 401 });
    const reader = request({ 'x-ms-client-principal': entraPrincipal([ERRORS_READ]) });
    expect(authorize(reader, ERRORS_READ, ON)).toMatchObject({ ok: true, caller: { objectId: OID } });
    expect(authorize(reader, ERRORS_REPLAY, ON)).toEqual({
      ok: false,
      status: 403,
      message:
        'Ada Admin does not hold the app role Errors.Replay of the sign-in app registration; an administrator assigns it (docs/deploy.md).',
    });
    const noRole = request({ 'x-ms-client-principal': entraPrincipal([]) });
    expect(authorize(noRole, ERRORS_READ, ON)).toMatchObject({ ok: false, status: 403 });
  });

  it('lets Errors.Replay do everything Errors.Read does', () => {
    const operator = request({ 'x-ms-client-principal': entraPrincipal([ERRORS_REPLAY]) });
    expect(authorize(operator, ERRORS_READ, ON).ok).toBe(true);
    expect(authorize(operator, ERRORS_REPLAY, ON).ok).toBe(true);
  });

  it('never trusts the header while the platform authentication is off: anyone could have typed it', () => {
    const forged = request({ 'x-ms-client-principal': entraPrincipal([ERRORS_REPLAY]) });
    for (const env of [{}, { WEBSITE_AUTH_ENABLED: 'False' }, { WEBSITE_AUTH_ENABLED: '' }]) {
      expect(platformAuthenticationEnabled(env)).toBe(false);
      const answer = authorize(forged, ERRORS_REPLAY, env);
      expect(answer).toMatchObject({ ok: false, status: 401 });
      expect(answer.ok ? '' : answer.message).toContain('App Service Authentication is off');
    }
    expect(platformAuthenticationEnabled({ WEBSITE_AUTH_ENABLED: 'true' })).toBe(true);
  });

  it('answers 401 for a principal header that cannot be read', () => {
    expect(authorize(request({ 'x-ms-client-principal': 'e30=' }), ERRORS_READ, ON)).toMatchObject({
      ok: false,
      status: 401,
      message: 'The signed-in principal cannot be read: its claims are not a list of { typ, val } strings.',
    });
  });
});

describe('the local sign-in', () => {
  it('signs in as the configured user with both roles by default, read-only or no role on request', () => {
    const admin = readLocalPrincipal({});
    expect(admin).toMatchObject({ name: 'Local Administrator', roles: [ERRORS_READ, ERRORS_REPLAY] });
    expect(admin.objectId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(readLocalPrincipal({}).objectId).toBe(admin.objectId);
    const reader = readLocalPrincipal({
      LOCAL_PRINCIPAL_NAME: 'Rita',
      LOCAL_PRINCIPAL_ROLES: ' Errors.Read ',
    });
    expect(reader).toMatchObject({ name: 'Rita', roles: [ERRORS_READ] });
    expect(reader.objectId).not.toBe(admin.objectId);
    expect(readLocalPrincipal({ LOCAL_PRINCIPAL_ROLES: 'none' }).roles).toEqual([]);
  });

  it('encodes the principal as the platform does, so the functions read it back unchanged', () => {
    const caller = readLocalPrincipal({ LOCAL_PRINCIPAL_ROLES: 'Errors.Read' });
    const headers = clientPrincipalHeaders(caller);
    expect(decodeClientPrincipal(headers['x-ms-client-principal']!)).toEqual({ ok: true, caller });
    expect(headers['x-ms-client-principal-id']).toBe(caller.objectId);
    expect(headers['x-ms-client-principal-idp']).toBe('aad');
  });

  it("drops every principal header the client sent, as the platform does, and adds the caller's own", () => {
    const forged = {
      accept: 'text/html',
      'x-ms-client-principal': 'forged',
      'X-MS-CLIENT-PRINCIPAL-NAME': 'Eve',
    };
    expect(signedInHeaders(forged, undefined)).toEqual({ accept: 'text/html' });
    const caller = readLocalPrincipal({});
    expect(signedInHeaders(forged, caller)).toEqual({
      accept: 'text/html',
      ...clientPrincipalHeaders(caller),
    });
  });
});
