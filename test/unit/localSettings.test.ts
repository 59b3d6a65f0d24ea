import { describe, expect, it } from 'vitest';
import { namesRealTenant } from '../../stand-ins/host/localSettings';

describe('npm start: demo tenant or the configured one', () => {
  it('uses the demo tenant only when no Exchange credential setting is given at all', () => {
    expect(namesRealTenant({})).toBe(false);
    expect(
      namesRealTenant({
        EXCHANGE_TENANT_ID: '<tenant id>',
        EXCHANGE_CLIENT_ID: '<client id>',
        EXCHANGE_CLIENT_SECRET: '<secret>',
      }),
    ).toBe(false);
  });

  it('keeps an incomplete set (secret empty) so the sync reports DSEX006 instead of demo results', () => {
    expect(
      namesRealTenant({
        EXCHANGE_TENANT_ID: 'contoso.onmicrosoft.com',
        EXCHANGE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      }),
    ).toBe(true);
    expect(namesRealTenant({ EXCHANGE_CLIENT_SECRET: 's3cr3t' })).toBe(true);
  });
});
