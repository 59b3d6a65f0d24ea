import { quote } from '../../shared/domain/changeMessageFormats';

/** A secret made of what encodings change: `+ / = % &`, a space and non-ASCII. */
export const HOSTILE_SECRET = 'Qx8+s/3=c%r&e t~é-ü_VALUE';

export const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
export const form = (text: string) => new URLSearchParams([['', text]]).toString().slice(1);
export const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Each way a secret can travel in a text, by name. */
export function encodedForms(secret: string): Record<string, string> {
  return {
    plain: secret,
    'percent-encoded': encodeURIComponent(secret),
    'percent-encoded, lowercase hex': lowerHex(encodeURIComponent(secret)),
    'form-urlencoded': form(secret),
    'form-urlencoded, lowercase hex': lowerHex(form(secret)),
    'double percent-encoded': encodeURIComponent(encodeURIComponent(secret)),
    'double form-urlencoded': form(form(secret)),
    'double encoded, lowercase hex': lowerHex(encodeURIComponent(encodeURIComponent(secret))),
    base64: base64(secret),
    base64url: base64url(secret),
    'base64 inside a Basic header': base64(`client-id:${secret}`),
    'base64url at offset 2': base64url(`ab${secret}`),
    'JSON-escaped': JSON.stringify(secret).slice(1, -1),
    // An echo cut at 80 characters keeps only the first 10 of the secret.
    'cut by a length limit': quote(`${'x'.repeat(70)}${secret}${'y'.repeat(100)}`),
  };
}

/** The forms of `secret` still readable in `text`: an encoding redaction missed. */
export function leaksIn(text: string, secret: string): string[] {
  const fragments = Object.entries(encodedForms(secret));
  return fragments.filter(([, form]) => text.includes(core(form))).map(([name]) => name);
}

/** What stays readable of an encoded form whatever its neighbours: its middle, or the secret's cut start. */
export function core(form: string): string {
  const cut = form.indexOf('…');
  if (cut >= 0) return form.slice(cut - 8, cut);
  return form.length > 12 ? form.slice(4, -4) : form;
}
