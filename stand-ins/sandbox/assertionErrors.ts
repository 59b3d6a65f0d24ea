import type { ErrorDefinition, RejectionContext } from './entraErrors';

/** Why the token endpoint refuses a client assertion (a certificate's or a federated token). */
export type AssertionRejection =
  | 'malformedAssertion'
  | 'certificateNotRegistered'
  | 'certificateExpired'
  | 'assertionNotValidNow'
  | 'noFederatedCredential'
  | 'federatedIssuerMismatch'
  | 'federatedAudienceMismatch'
  | 'federatedSubjectMismatch';

/** Entra's time format in AADSTS700024: `2024-10-02T22:05:03.6755165Z`. */
const ticks = (date: Date) =>
  `${date.toISOString().slice(0, 19)}.${String(date.getUTCMilliseconds()).padStart(3, '0')}0000Z`;
const FEDERATION_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';
const KEYS_ADVICE = (clientId: string | undefined) =>
  `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.`;
const mismatch = (field: string, value: string | undefined) =>
  `No matching federated identity record found for presented assertion ${field} '${value}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${FEDERATION_DOCS}`;

/** Entra's answers, worded as in the public reports the diagnosis corpus cites. */
export const ASSERTION_REJECTIONS: Readonly<Record<AssertionRejection, ErrorDefinition<RejectionContext>>> = {
  malformedAssertion: {
    status: 401,
    error: 'invalid_client',
    aadsts: 50027,
    text: (c) => `Invalid JWT token. ${c.reason ?? 'The token is malformed.'}`,
  },
  certificateNotRegistered: {
    status: 401,
    error: 'invalid_client',
    aadsts: 700027,
    text: (c) =>
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${c.thumbprint}', ${KEYS_ADVICE(c.clientId)}]`,
  },
  certificateExpired: {
    status: 401,
    error: 'invalid_client',
    aadsts: 700027,
    text: (c) =>
      `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${c.thumbprint}', ${KEYS_ADVICE(c.clientId)}]`,
  },
  assertionNotValidNow: {
    status: 400,
    error: 'invalid_client',
    aadsts: 700024,
    text: (c) =>
      `Client assertion is not within its valid time range. Current time: ${ticks(c.validity?.now ?? new Date())}, assertion valid from ${ticks(c.validity?.from ?? new Date(0))}, expiry time of assertion ${ticks(c.validity?.to ?? new Date(0))}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials`,
  },
  noFederatedCredential: {
    status: 400,
    error: 'invalid_request',
    aadsts: 70021,
    text: (c) =>
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${c.issuer}'. Assertion Subject: '${c.subject}'. Assertion Audience: '${c.audience}'. ${FEDERATION_DOCS}`,
  },
  federatedIssuerMismatch: {
    status: 400,
    error: 'invalid_client',
    aadsts: 700211,
    text: (c) => mismatch('issuer', c.issuer),
  },
  federatedAudienceMismatch: {
    status: 400,
    error: 'invalid_client',
    aadsts: 700212,
    text: (c) => mismatch('audience', c.audience),
  },
  federatedSubjectMismatch: {
    status: 400,
    error: 'invalid_client',
    aadsts: 700213,
    text: (c) => mismatch('subject', c.subject),
  },
};
