import { describe, expect, it } from 'vitest';
import { appointmentIdOf, bodyText, decodeBody } from '../../shared/domain/messageBody';

/** A value every inspection of which throws, as a revoked proxy does. */
function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('decodeBody', () => {
  it('calls an absent body empty, whether undefined or null', () => {
    expect(decodeBody(undefined)).toEqual({ ok: false, reason: 'body is empty' });
    expect(decodeBody(null)).toEqual({ ok: false, reason: 'body is empty' });
  });

  it('answers a body that cannot be inspected with a reason instead of throwing', () => {
    expect(decodeBody(revoked())).toEqual({
      ok: false,
      reason: 'body could not be read as a change message',
    });
  });

  it('decodes UTF-8 bytes and rejects bytes that are not UTF-8', () => {
    expect(decodeBody(new TextEncoder().encode('{"a":"é"}'))).toEqual({ ok: true, value: { a: 'é' } });
    expect(decodeBody(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      reason: 'body is not valid UTF-8',
    });
  });
});

describe('bodyText', () => {
  it('renders objects as JSON and what JSON cannot render as text', () => {
    expect(bodyText({ appointmentId: 'A-1' })).toBe('{"appointmentId":"A-1"}');
    expect(bodyText(undefined)).toBe('undefined');
  });

  it('names a body that cannot be read at all instead of throwing', () => {
    expect(bodyText(revoked())).toBe('[a body that cannot be read]');
  });
});

describe('appointmentIdOf', () => {
  it('keeps a string appointment id whole: the row budget cuts it, after redaction', () => {
    expect(appointmentIdOf({ ok: true, value: { appointmentId: 'A'.repeat(300) } })).toBe('A'.repeat(300));
  });

  it('mends a lone surrogate, so the row write never fails on it', () => {
    expect(appointmentIdOf({ ok: true, value: { appointmentId: 'A\ud800B' } })).toBe('A\ufffdB');
  });

  it('is empty when the id is no string or the body cannot be read', () => {
    expect(appointmentIdOf({ ok: true, value: { appointmentId: 1001 } })).toBe('');
    expect(appointmentIdOf({ ok: false, reason: 'body is empty' })).toBe('');
    expect(appointmentIdOf({ ok: true, value: revoked() })).toBe('');
  });
});
