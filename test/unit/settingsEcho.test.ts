import { describe, expect, it } from 'vitest';
import { credentialFailure } from '../../shared/domain/credentialFailure';
import { SETTINGS } from '../../shared/settingDefinitions';
import {
  readCredentialExpiry,
  readExchangeCredentials,
  readInfrastructureSettings,
} from '../../shared/settings';
import { TEST_ENVIRONMENT } from '../support/inMemoryPorts';

/** What an administrator pastes into the wrong setting. */
const PASTED_SECRET = 'Zq8~pasted.Secret+Value/with=odd&chars';

const INFRASTRUCTURE = {
  ServiceBusConnection: 'Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=abc',
  TableStorageConnection: 'UseDevelopmentStorage=true',
};

function problemMessages(name: string, value: string): string[] {
  const env = { ...TEST_ENVIRONMENT, ...INFRASTRUCTURE, [name]: value };
  const results = [readExchangeCredentials(env), readInfrastructureSettings(env), readCredentialExpiry(env)];
  return results.flatMap((result) => (result.ok ? [] : result.problems.map((p) => p.message)));
}

describe('setting problems never echo a value that could be a secret', () => {
  const checked = SETTINGS.filter((s) => !s.secret).map((s) => s.name);

  it('names the setting instead of the value, for every setting that is read', () => {
    const echoed = checked.filter((name) =>
      problemMessages(name, PASTED_SECRET).some((message) => message.includes('Zq8~')),
    );
    const named = checked.filter((name) =>
      problemMessages(name, PASTED_SECRET).every((message) => message.includes(name)),
    );
    expect(echoed).toEqual([]);
    expect(named).toEqual(checked);
  });

  it('keeps a secret pasted into EXCHANGE_CLIENT_ID out of the DSEX003 message', () => {
    const credentials = readExchangeCredentials({ ...TEST_ENVIRONMENT, EXCHANGE_CLIENT_ID: PASTED_SECRET });
    expect(credentials.ok).toBe(false);
    if (credentials.ok) return;
    const failure = credentialFailure(credentials.problems);
    expect(failure.code).toBe('DSEX003');
    expect(failure.message).toContain('EXCHANGE_CLIENT_ID');
    expect(failure.message).not.toContain('Zq8~');
  });
});
