import { describe, expect, it } from 'vitest';
import { parseReplayRequest } from '../../shared/domain/replayMessage';

const request = { kind: 'replay', appointmentId: 'A-1', transactionIds: ['tx-1', 'tx-2'] };

describe('parseReplayRequest', () => {
  it('reads a replay request, and its reason only when it says manual', () => {
    expect(parseReplayRequest({ ...request, reason: 'manual' })).toEqual({ ...request, reason: 'manual' });
    expect(parseReplayRequest({ ...request, reason: 'retry pass' })?.reason).toBe('retry pass');
    expect(parseReplayRequest({ ...request, reason: 'anything else' })?.reason).toBe('retry pass');
    expect(parseReplayRequest(request)?.reason).toBe('retry pass');
  });

  it.each([
    ['another kind', { ...request, kind: 'appointment' }],
    ['no kind', { appointmentId: 'A-1', transactionIds: ['tx-1'] }],
    ['no transaction', { ...request, transactionIds: [] }],
    ['transaction ids that are not all strings', { ...request, transactionIds: ['tx-1', 7] }],
    ['transaction ids that are not a list', { ...request, transactionIds: 'tx-1' }],
    ['an appointment id that is not a string', { ...request, appointmentId: 1001 }],
    ['a body that is no object', ['replay']],
  ])('is no replay request with %s', (_, body) => {
    expect(parseReplayRequest(body)).toBeUndefined();
  });

  it('is no replay request when the fields cannot even be read', () => {
    const hostile = new Proxy(
      {},
      {
        getOwnPropertyDescriptor: () => {
          throw new Error('revoked');
        },
      },
    );
    expect(parseReplayRequest(hostile)).toBeUndefined();
  });
});
