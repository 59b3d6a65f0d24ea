import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appointmentSessionId,
  MAX_SESSION_ID_LENGTH,
  resourceSessionId,
  sessionIdForBody,
} from '../../shared/domain/sessionIds';
import { remove, resourceChange, upsert } from '../support/changes';

describe('the session id a message must carry', () => {
  it('is the appointment id for appointment changes and replays, resource:<id> for resource changes', () => {
    expect(sessionIdForBody(upsert('A-1', 1, [{ id: 'R-1', mailbox: 'r@contoso.example' }]))).toBe('A-1');
    expect(sessionIdForBody(remove('A-2', 3))).toBe('A-2');
    expect(sessionIdForBody({ kind: 'replay', appointmentId: 'A-3', transactionIds: ['tx-1'] })).toBe('A-3');
    expect(
      sessionIdForBody(resourceChange({ id: 'R-7', mailbox: 'r7@contoso.example' }, '2026-11-24T09:05:00Z')),
    ).toBe('resource:R-7');
  });

  it('is read from a JSON string or bytes as the trigger would, and is absent when the body names neither', () => {
    expect(sessionIdForBody(JSON.stringify({ kind: 'appointment', appointmentId: 'A-4' }))).toBe('A-4');
    expect(sessionIdForBody(Buffer.from('{"appointmentId":"A-5"}'))).toBe('A-5');
    expect(sessionIdForBody({ kind: 'appointment', appointmentId: '' })).toBeUndefined();
    expect(sessionIdForBody('{"kind":')).toBeUndefined();
    expect(sessionIdForBody({ kind: 'resource', resource: { name: 'no id' } })).toBeUndefined();
  });

  it('keeps a session id within the 128 characters Service Bus takes: a longer one is its SHA-256', () => {
    const long = 'A'.repeat(MAX_SESSION_ID_LENGTH + 1);
    const hashed = `sha256:${createHash('sha256').update(long, 'utf8').digest('hex')}`;
    expect(appointmentSessionId('A'.repeat(MAX_SESSION_ID_LENGTH))).toBe('A'.repeat(MAX_SESSION_ID_LENGTH));
    expect(appointmentSessionId(long)).toBe(hashed);
    expect(hashed).toHaveLength(71);
    expect(resourceSessionId('R'.repeat(120))).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(sessionIdForBody({ kind: 'appointment', appointmentId: long })).toBe(hashed);
  });
});
