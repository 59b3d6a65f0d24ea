import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AssertionRejection } from './assertionErrors';
import type { AppRegistration, Tenant } from './directory';
import type { RejectionContext } from './entraErrors';
import type { IssuerKeys } from './issuerKeys';
import { type DecodedJwt, decodeJwt, verifyJwt } from './jwt';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Entra tolerates this much clock difference on an assertion's times. */
const CLOCK_TOLERANCE_MS = 5 * 60_000;

export interface AssertionJudge {
  readonly issuerKeys: IssuerKeys;
  readonly caCertPath: string;
  /** Added to the sandbox's clock when it judges an assertion's times (a clock-skew scenario). */
  clockSkewMs: number;
  authorityHost: string;
}

export type AssertionVerdict =
  | { readonly rejection: AssertionRejection | 'invalidAssertion'; readonly context: RejectionContext }
  | undefined;

/** The sandbox tenant's issuer: the `iss` of the managed identity tokens it issues. */
export function issuerOf(judge: AssertionJudge, tenant: Tenant): string {
  return `${judge.authorityHost}/${tenant.tenantId}/v2.0`;
}

function timeVerdict(judge: AssertionJudge, jwt: DecodedJwt, clientId: string): AssertionVerdict {
  const now = new Date(Date.now() + judge.clockSkewMs);
  const from = new Date(Number(jwt.payload.nbf ?? jwt.payload.iat ?? 0) * 1000);
  const to = new Date(Number(jwt.payload.exp ?? 0) * 1000);
  const tooEarly = from.getTime() - CLOCK_TOLERANCE_MS > now.getTime();
  const tooLate = to.getTime() + CLOCK_TOLERANCE_MS < now.getTime();
  return tooEarly || tooLate
    ? { rejection: 'assertionNotValidNow', context: { clientId, validity: { now, from, to } } }
    : undefined;
}

/** The `x5c` leaf, when it has a trusted subject and the sandbox CA issued it (subject name and issuer authentication). */
function trustedLeaf(
  judge: AssertionJudge,
  app: AppRegistration,
  jwt: DecodedJwt,
): X509Certificate | undefined {
  const chain = jwt.header.x5c;
  if (!Array.isArray(chain) || typeof chain[0] !== 'string') return undefined;
  const leaf = new X509Certificate(Buffer.from(chain[0], 'base64'));
  const ca = new X509Certificate(readFileSync(judge.caCertPath));
  return app.trustedSubjects.has(leaf.subject.replace(/\n/g, ', ')) && leaf.verify(ca.publicKey)
    ? leaf
    : undefined;
}

/** A certificate's assertion (RFC 7523 with `x5t#S256`, iss = sub = client id, aud = the token endpoint). */
function judgeCertificate(
  judge: AssertionJudge,
  app: AppRegistration,
  jwt: DecodedJwt,
  tokenEndpoint: string,
): AssertionVerdict {
  const { clientId } = app;
  const x5t = jwt.header['x5t#S256'] ?? jwt.header.x5t;
  if (typeof x5t !== 'string')
    return {
      rejection: 'malformedAssertion',
      context: { reason: 'No certificate thumbprint specified in token header.' },
    };
  const thumbprint = Buffer.from(x5t, 'base64url').toString('hex').toUpperCase();
  const registered = app.certificates.get(thumbprint);
  const key = registered?.publicKey ?? trustedLeaf(judge, app, jwt)?.publicKey;
  if (!key) return { rejection: 'certificateNotRegistered', context: { clientId, thumbprint } };
  if (registered?.expired) return { rejection: 'certificateExpired', context: { clientId, thumbprint } };
  if (!verifyJwt(jwt, key)) return { rejection: 'invalidAssertion', context: { clientId } };
  if (String(jwt.payload.aud).toLowerCase() !== tokenEndpoint.toLowerCase() || jwt.payload.sub !== clientId)
    return {
      rejection: 'malformedAssertion',
      context: { reason: 'The audience or subject of the client assertion is invalid.' },
    };
  return timeVerdict(judge, jwt, clientId);
}

/** A federated token (here: the managed identity's): signed by its issuer, matched against the app's federated credentials. */
function judgeFederated(
  judge: AssertionJudge,
  app: AppRegistration,
  tenant: Tenant,
  jwt: DecodedJwt,
): AssertionVerdict {
  const issuer = String(jwt.payload.iss);
  const subject = String(jwt.payload.sub);
  const audience = String(Array.isArray(jwt.payload.aud) ? jwt.payload.aud[0] : jwt.payload.aud);
  const context = { clientId: app.clientId, issuer, subject, audience };
  if (app.federatedCredentials.length === 0) return { rejection: 'noFederatedCredential', context };
  const sameIssuer = app.federatedCredentials.filter((credential) => credential.issuer === issuer);
  if (sameIssuer.length === 0) return { rejection: 'federatedIssuerMismatch', context };
  if (
    issuer !== issuerOf(judge, tenant) ||
    jwt.header.kid !== judge.issuerKeys.kid ||
    !verifyJwt(jwt, judge.issuerKeys.publicKey)
  )
    return { rejection: 'invalidAssertion', context };
  const expired = timeVerdict(judge, jwt, app.clientId);
  if (expired) return expired;
  const sameSubject = sameIssuer.filter((credential) => credential.subject === subject);
  if (sameSubject.length === 0) return { rejection: 'federatedSubjectMismatch', context };
  if (!sameSubject.some((credential) => credential.audiences.includes(audience)))
    return { rejection: 'federatedAudienceMismatch', context };
  return undefined;
}

/** Entra's checks of a `client_assertion`: undefined when it proves the app's identity. */
export function judgeClientAssertion(
  judge: AssertionJudge,
  app: AppRegistration,
  tenant: Tenant,
  form: URLSearchParams,
  tokenEndpoint: string,
): AssertionVerdict {
  if (form.get('client_assertion_type') !== JWT_BEARER)
    return {
      rejection: 'malformedAssertion',
      context: { reason: `client_assertion_type must be ${JWT_BEARER}.` },
    };
  const jwt = decodeJwt(form.get('client_assertion') ?? '');
  if (!jwt)
    return { rejection: 'malformedAssertion', context: { reason: 'The token is not a compact JWT.' } };
  return jwt.payload.iss === app.clientId
    ? judgeCertificate(judge, app, jwt, tokenEndpoint)
    : judgeFederated(judge, app, tenant, jwt);
}
