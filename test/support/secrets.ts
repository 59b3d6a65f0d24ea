import { randomUUID } from 'node:crypto';

/**
 * A client secret of the older, pre-`8Q~` shape, with characters that URL-encoding changes
 * (`+ / = % &`), so a leak check covers the encoded form a token request's body carries.
 */
export function legacySecret(): string {
  return `Lg+/=%&${randomUUID()}==`;
}

/** `%2F` → `%2f`: percent-encoding with lowercase hex digits, as some clients write it. */
function lowercaseHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (triplet) => triplet.toLowerCase());
}

/**
 * The forms in which a secret can turn up in text, written out here independently of the
 * connector's redaction: as it is, URL-encoded (upper and lower hex), form-urlencoded, URL-encoded
 * twice, JSON-escaped, base64 and base64url.
 */
export function secretForms(secret: string): string[] {
  const url = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [
    secret,
    url,
    lowercaseHex(url),
    form,
    encodeURIComponent(url),
    JSON.stringify(secret).slice(1, -1),
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ];
  return [...new Set(forms)];
}
