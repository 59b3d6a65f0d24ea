import { randomUUID } from 'node:crypto';

/**
 * A client secret of the older, pre-`8Q~` shape, with characters that URL-encoding changes
 * (`+ / = % &`), so a leak check covers the encoded form a token request's body carries.
 */
export function legacySecret(): string {
  return `Lg+/=%&${randomUUID()}==`;
}

/** The forms in which a secret can turn up in text: as it is, and URL-encoded. */
export function secretForms(secret: string): string[] {
  return [secret, encodeURIComponent(secret)];
}
