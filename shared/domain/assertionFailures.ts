import { type Code, catalogueEntry } from './catalogue';
import { DiagnosedFailure, InvalidExchangeCredentialsException, type ManagedIdentityError } from './failures';

/** The portal field of a federated identity credential that each AADSTS number says does not match. */
const FEDERATED_FIELDS: Readonly<Record<number, string>> = {
  700211: 'Issuer',
  700212: 'Audience',
  700213: 'Subject identifier',
  7002138: 'Subject identifier (it matches only when upper and lower case are ignored)',
};

function quoted(description: string, pattern: RegExp): string | undefined {
  return pattern.exec(description)?.[1];
}

function certificateMessage(description: string, clientId: string, tag: string): string {
  const thumbprint = quoted(description, /Thumbprint of key used by client: '([^']+)'/i);
  const reason = quoted(description, /\[Reason - ([^.,\]]+)/i);
  const what = /expired/i.test(reason ?? '')
    ? 'has expired'
    : /not found/i.test(reason ?? '') || /not registered/i.test(description)
      ? 'is not registered on the app registration'
      : 'does not match a certificate registered on the app registration (signature validation failed)';
  return `The certificate${thumbprint ? ` (thumbprint ${thumbprint})` : ''} of Client ID ${clientId} ${what} (${tag}). Check Certificates & secrets > Certificates of the app registration against EXCHANGE_CLIENT_CERTIFICATE.`;
}

function validityMessage(description: string, clientId: string, tag: string): string {
  const times = quoted(
    description,
    /(Current time: [^.]+?(?:\.\d+)?Z?, assertion valid from [^,]+, expiry time of assertion [^.]+?(?:\.\d+)?Z?)(?:\.|\s|$)/i,
  );
  return `The client assertion of Client ID ${clientId} is not within its valid time range (${tag})${times ? `: ${times}` : ''}. Check the clock of the machine running the connector, or restart the Function App to drop an expired managed identity token.`;
}

function federatedMessage(
  description: string,
  clientId: string,
  aadsts: number | undefined,
  tag: string,
): string {
  const field = aadsts !== undefined ? FEDERATED_FIELDS[aadsts] : undefined;
  const presented = quoted(description, /presented assertion (?:issuer|audience|subject) '([^']+)'/i);
  const all = ['Issuer', 'Subject', 'Audience']
    .map((name) => [name, quoted(description, new RegExp(`Assertion ${name}: '([^']+)'`, 'i'))] as const)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name} '${value}'`);
  const detail = field
    ? `its ${field} does not match${presented ? ` the token's '${presented}'` : ''}`
    : `none matches the token${all.length > 0 ? ` (${all.join(', ')})` : ''}`;
  return `No federated identity credential of Client ID ${clientId} accepts the managed identity's token: ${detail} (${tag}). Check Certificates & secrets > Federated credentials of the app registration.`;
}

/** Messages for the certificate and federated-credential rejections (DSEX007–009), from Entra's description. */
export function assertionMessage(
  code: Code,
  description: string,
  context: { clientId: string; aadsts: number | undefined; tag: string },
): string | undefined {
  const { clientId, aadsts, tag } = context;
  if (code === 'DSEX007') return certificateMessage(description, clientId, tag);
  if (code === 'DSEX008') return validityMessage(description, clientId, tag);
  if (code === 'DSEX009') return federatedMessage(description, clientId, aadsts, tag);
  return undefined;
}

/** No token from the Function App's managed identity: transient (DSEX042) or not assigned (DSEX060). */
export function classifyManagedIdentity(error: ManagedIdentityError): DiagnosedFailure {
  if (error.details.kind === 'unavailable') {
    return new DiagnosedFailure(
      'DSEX042',
      `Transient error from the managed identity endpoint: ${error.message}. Will retry on the next sync attempt.`,
    );
  }
  return new InvalidExchangeCredentialsException(
    'DSEX060',
    `The Function App's managed identity gave no token: ${error.message}. Assign the user-assigned managed identity to the Function App (Settings > Identity > User assigned) and put its Client ID in EXCHANGE_MANAGED_IDENTITY_CLIENT_ID.`,
    undefined,
    catalogueEntry('DSEX060').setting,
  );
}
