import { describe, expect, it } from 'vitest';
import { catalogueEntry } from '../../shared/domain/catalogue';
import { ACCESS_DENIED_PREFIX, classifyFailure } from '../../shared/domain/classifyFailure';
import {
  DiagnosedFailure,
  GraphRequestError,
  InvalidExchangeCredentialsException,
  TokenEndpointError,
} from '../../shared/domain/failures';

const context = { clientId: '11111111-2222-3333-4444-555555555555', tenantId: 'contoso.com' };
const graphCall = (action: 'create' | 'update' | 'delete') => ({
  graphCall: { action, mailbox: 'room4@contoso.com', resourceName: 'Room 4' },
});

describe('classifyFailure: token endpoint', () => {
  it.each([
    [7000222, 'invalid_client', 401, 'DSEX001', 'EXCHANGE_CLIENT_SECRET'],
    [7000215, 'invalid_client', 401, 'DSEX002', 'EXCHANGE_CLIENT_SECRET'],
    [700016, 'unauthorized_client', 400, 'DSEX003', 'EXCHANGE_CLIENT_ID'],
    [90002, 'invalid_tenant', 400, 'DSEX004', 'EXCHANGE_TENANT_ID'],
    [900023, 'invalid_request', 400, 'DSEX004', 'EXCHANGE_TENANT_ID'],
    [7000218, 'invalid_client', 400, 'DSEX006', undefined],
    [7000112, 'unauthorized_client', 400, 'DSEX005', undefined],
  ])('AADSTS%i (%s, %i) → %s', (aadsts, oauthError, httpStatus, code, setting) => {
    const failure = classifyFailure(
      new TokenEndpointError('rejected', { aadsts, oauthError, httpStatus }),
      context,
    );
    expect(failure).toBeInstanceOf(InvalidExchangeCredentialsException);
    expect(failure.code).toBe(code);
    expect((failure as InvalidExchangeCredentialsException).aadsts).toBe(aadsts);
    expect((failure as InvalidExchangeCredentialsException).setting).toBe(setting);
    expect(catalogueEntry(failure.code).status).toBe('InvalidBackOfficeSettings');
    expect(failure.message).toContain(`AADSTS${aadsts}`);
  });

  it('names the Client ID on an expired secret', () => {
    const failure = classifyFailure(
      new TokenEndpointError('x', { aadsts: 7000222, httpStatus: 401 }),
      context,
    );
    expect(failure.message).toContain(context.clientId);
  });

  it('decides by the AADSTS number, not the description text', () => {
    const misleading = new TokenEndpointError('AADSTS7000222: the secret expired', {
      aadsts: 7000215,
      httpStatus: 401,
    });
    expect(classifyFailure(misleading, context).code).toBe('DSEX002');
  });

  it.each([
    ['AADSTS900023: Specified tenant identifier', 'invalid_request', 'DSEX004'],
    ['Error(s): 70002,50012 - Description: AADSTS70002: x. AADSTS7000222: y', 'invalid_client', 'DSEX001'],
  ])(
    'without errorNo, reads the AADSTS number from the description: %s → %s',
    (message, oauthError, code) => {
      const failure = classifyFailure(
        new TokenEndpointError(message, { oauthError, httpStatus: 400 }),
        context,
      );
      expect(failure.code).toBe(code);
    },
  );

  it.each([
    [{ oauthError: 'temporarily_unavailable', aadsts: 50033, httpStatus: 400 }],
    [{ oauthError: 'temporarily_unavailable' }],
    [{ oauthError: 'invalid_response', httpStatus: 504 }],
  ])('%j → DSEX041 whatever the status says', (details) => {
    expect(classifyFailure(new TokenEndpointError('x', details), context).code).toBe('DSEX041');
  });

  it('a Conditional Access block is a rejection an administrator fixes, and says so', () => {
    const failure = classifyFailure(
      new TokenEndpointError('AADSTS53003: Access has been blocked', { oauthError: 'invalid_grant' }),
      context,
    );
    expect(failure.code).toBe('DSEX005');
    expect(failure.message).toMatch(
      /^A Conditional Access policy blocks the app: .*AADSTS53003 invalid_grant/,
    );
  });

  it('falls back on the OAuth error, then on DSEX005, when no AADSTS number is known', () => {
    expect(classifyFailure(new TokenEndpointError('x', { oauthError: 'invalid_tenant' }), context).code).toBe(
      'DSEX004',
    );
    expect(classifyFailure(new TokenEndpointError('x', { httpStatus: 400 }), context).code).toBe('DSEX005');
  });

  it.each([
    [{ httpStatus: 429, retryAfterMs: 30_000 }],
    [{ httpStatus: 500 }],
    [{ httpStatus: 503 }],
    [{ transport: 'timeout' as const }],
    [{ transport: 'network' as const }],
  ])('%j → DSEX041, transient', (details) => {
    const failure = classifyFailure(new TokenEndpointError('unavailable', details), context);
    expect(failure.code).toBe('DSEX041');
    expect(failure.message).toMatch(
      /^Transient error from Microsoft Entra ID: .+\. Will retry on the next sync attempt\.$/,
    );
    expect(failure.retryAfterMs).toBe(
      'httpStatus' in details && details.httpStatus === 429 ? 30_000 : undefined,
    );
  });
});

describe('classifyFailure: Microsoft Graph', () => {
  it('401 → DSEX010', () => {
    const failure = classifyFailure(
      new GraphRequestError('x', { httpStatus: 401, graphCode: 'InvalidAuthenticationToken' }),
      graphCall('create'),
    );
    expect(failure.code).toBe('DSEX010');
    expect(catalogueEntry(failure.code).status).toBe('Skipped');
  });

  it('403 ErrorAccessDenied → DSEX030 with the seed prefix', () => {
    const failure = classifyFailure(
      new GraphRequestError('x', { httpStatus: 403, graphCode: 'ErrorAccessDenied' }),
      graphCall('update'),
    );
    expect(failure.code).toBe('DSEX030');
    expect(failure.message.startsWith(ACCESS_DENIED_PREFIX)).toBe(true);
    expect(failure.message).toContain('room4@contoso.com');
  });

  it.each(['ErrorInvalidUser', 'MailboxNotEnabledForRESTAPI'])('404 %s → DSEX012', (graphCode) => {
    const failure = classifyFailure(
      new GraphRequestError('x', { httpStatus: 404, graphCode }),
      graphCall('create'),
    );
    expect(failure.code).toBe('DSEX012');
    expect(failure.message).toContain(graphCode);
  });

  it('404 on a delete → DSEX021', () => {
    const failure = classifyFailure(
      new GraphRequestError('x', { httpStatus: 404, graphCode: 'ErrorItemNotFound' }),
      graphCall('delete'),
    );
    expect(failure.code).toBe('DSEX021');
  });

  it.each([429, 500, 502, 503, 504])('%i → DSEX040 with the seed wording', (httpStatus) => {
    const failure = classifyFailure(
      new GraphRequestError('x', { httpStatus, graphCode: 'ApplicationThrottled', retryAfterMs: 2000 }),
      graphCall('create'),
    );
    expect(failure.code).toBe('DSEX040');
    expect(failure.message).toMatch(
      /^Transient error from Microsoft Graph: .+\. Will retry on the next sync attempt\.$/,
    );
    expect(failure.retryAfterMs).toBe(2000);
  });

  it.each([
    [403, 'ErrorQuotaExceeded', 'DSEX013'],
    [507, 'QuotaExceededException', 'DSEX013'],
    [412, 'ErrorIrresolvableConflict', 'DSEX040'],
    [400, 'ErrorServerBusy', 'DSEX040'],
    [404, 'ResourceNotFound', 'DSEX012'],
  ])('%i %s → %s', (httpStatus, graphCode, code) => {
    expect(
      classifyFailure(new GraphRequestError('x', { httpStatus, graphCode }), graphCall('update')).code,
    ).toBe(code);
  });

  it.each(['timeout', 'reset', 'network'] as const)('no answer (%s) → DSEX040', (transport) => {
    expect(classifyFailure(new GraphRequestError('x', { transport }), graphCall('update')).code).toBe(
      'DSEX040',
    );
  });

  it('an unknown Graph answer → DSUNK001', () => {
    const failure = classifyFailure(
      new GraphRequestError('x', { httpStatus: 400, graphCode: 'ErrorInvalidRequest' }),
      graphCall('create'),
    );
    expect(failure.code).toBe('DSUNK001');
  });
});

describe('classifyFailure: anything else', () => {
  it('keeps an already diagnosed failure', () => {
    const diagnosed = new DiagnosedFailure('DSEX020', 'no mapping');
    expect(classifyFailure(diagnosed)).toBe(diagnosed);
  });

  it('turns an unknown error into DSUNK001, keeping its stack for the log but not in the message', () => {
    const error = new RangeError('boom\nsecond line');
    const failure = classifyFailure(error);
    expect(failure.code).toBe('DSUNK001');
    expect(failure.message).toBe(
      'Unexpected exception: RangeError: boom. The stack trace is in the operational log.',
    );
    expect(failure.stack).toBe(error.stack);
  });

  it('handles a thrown non-error', () => {
    expect(classifyFailure('text').code).toBe('DSUNK001');
    expect(classifyFailure(undefined).message).toContain('a thrown undefined');
  });
});
