import type { CredentialExpiry } from '../domain/credentials';

export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export interface SecretExpiry {
  readonly state: 'valid' | 'expiring' | 'expired';
  readonly credential: CredentialExpiry['credential'];
  readonly expiresOn: Date;
  /** Whole days left (0 on the last day, negative once expired). */
  readonly daysLeft: number;
}

/** Where the client secret or certificate stands against its expiry: warned from 30 days ahead. */
export function assessSecretExpiry(
  expiresOn: Date,
  now: Date,
  credential: CredentialExpiry['credential'] = 'client secret',
): SecretExpiry {
  const leftMs = expiresOn.getTime() - now.getTime();
  const daysLeft = Math.floor(leftMs / DAY_MS);
  const state = leftMs <= 0 ? 'expired' : leftMs <= EXPIRY_WARNING_DAYS * DAY_MS ? 'expiring' : 'valid';
  return { state, credential, expiresOn, daysLeft };
}

/** The code token requests fail with once the credential has expired. */
export function expiredCode(expiry: SecretExpiry): 'DSEX001' | 'DSEX007' {
  return expiry.credential === 'client secret' ? 'DSEX001' : 'DSEX007';
}

const RENEWAL: Readonly<Record<SecretExpiry['credential'], string>> = {
  'client secret': 'rotate it and update EXCHANGE_CLIENT_SECRET and EXCHANGE_CLIENT_SECRET_EXPIRES_ON',
  'client certificate':
    'renew it (in Key Vault: Certificates > the certificate > New version), upload the new certificate under Certificates & secrets > Certificates of the app registration, and point EXCHANGE_CLIENT_CERTIFICATE at it',
};

export function describeSecretExpiry(expiry: SecretExpiry): string {
  const date = expiry.expiresOn.toISOString().slice(0, 10);
  const what = `The ${expiry.credential}`;
  if (expiry.state === 'expired')
    return `${what} expired on ${date}: token requests fail with ${expiredCode(expiry)} until it is ${expiry.credential === 'client secret' ? 'rotated' : 'renewed'}.`;
  if (expiry.state === 'expiring')
    return `${what} expires in ${expiry.daysLeft} day${expiry.daysLeft === 1 ? '' : 's'} (${date}): ${RENEWAL[expiry.credential]}.`;
  return `${what} is valid until ${date}.`;
}
