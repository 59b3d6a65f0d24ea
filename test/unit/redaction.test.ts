import { describe, expect, it } from 'vitest';
import { redact, redactDeep } from '../../shared/domain/redaction';
import { secretValues } from '../../shared/settings';
import { base64, core, encodedForms, form, HOSTILE_SECRET, lowerHex } from '../support/secretForms';

describe('redaction', () => {
  const forms = encodedForms(HOSTILE_SECRET);

  it('masks every encoding of a secret made of characters encodings change', () => {
    const leaked = Object.entries(forms).filter(([, form]) => {
      const text = `before ${form} after`;
      return redact(text, [HOSTILE_SECRET]).includes(core(form));
    });
    expect(leaked.map(([name]) => name)).toEqual([]);
  });

  it('leaves the text around the secret alone', () => {
    expect(redact(`id=42&secret=${form(HOSTILE_SECRET)}&next=1`, [HOSTILE_SECRET])).toBe(
      'id=42&secret=[redacted]&next=1',
    );
    expect(redact('nothing secret here', [HOSTILE_SECRET])).toBe('nothing secret here');
  });

  it('masks the account key of a connection string in each encoding, deep inside values', () => {
    const accountKey =
      'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
    const connection = `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${accountKey};`;
    const secrets = secretValues({ TableStorageConnection: connection });
    const encoded = [lowerHex(encodeURIComponent(accountKey)), base64(accountKey), connection];
    const value = { rows: [{ message: `keys ${encoded.join(' and ')}` }] };
    const redacted = JSON.stringify(redactDeep(value, secrets));
    expect(encoded.filter((text) => redacted.includes(core(text)))).toEqual([]);
  });
});
