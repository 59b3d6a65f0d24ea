export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export interface SecretExpiry {
  readonly state: 'valid' | 'expiring' | 'expired';
  readonly expiresOn: Date;
  /** Whole days left (0 on the last day, negative once expired). */
  readonly daysLeft: number;
}

/** Where the client secret stands against EXCHANGE_CLIENT_SECRET_EXPIRES_ON: warned from 30 days ahead. */
export function assessSecretExpiry(expiresOn: Date, now: Date): SecretExpiry {
  const leftMs = expiresOn.getTime() - now.getTime();
  const daysLeft = Math.floor(leftMs / DAY_MS);
  const state = leftMs <= 0 ? 'expired' : leftMs <= EXPIRY_WARNING_DAYS * DAY_MS ? 'expiring' : 'valid';
  return { state, expiresOn, daysLeft };
}

export function describeSecretExpiry(expiry: SecretExpiry): string {
  const date = expiry.expiresOn.toISOString().slice(0, 10);
  if (expiry.state === 'expired')
    return `The client secret expired on ${date}: token requests fail with DSEX001 until it is rotated.`;
  if (expiry.state === 'expiring')
    return `The client secret expires in ${expiry.daysLeft} day${expiry.daysLeft === 1 ? '' : 's'} (${date}): rotate it and update EXCHANGE_CLIENT_SECRET and EXCHANGE_CLIENT_SECRET_EXPIRES_ON.`;
  return `The client secret is valid until ${date}.`;
}
