import { CATALOGUE } from '../../domain/catalogue';
import { describeSecretExpiry, type SecretExpiry } from '../secretExpiry';

/** The credential failures (DSEX001–006): the codes the retry pass holds until a token probe passes. */
const CREDENTIAL_ENTRIES = CATALOGUE.filter((entry) => entry.replayTrigger === 'token probe');

/** The banner's lines: credential failures in the window, and a client secret about to expire. */
export function credentialAlerts(
  counts: Readonly<Record<string, number>>,
  windowDays: number,
  expiry: SecretExpiry | undefined,
): string[] {
  const alerts = CREDENTIAL_ENTRIES.filter((entry) => (counts[entry.code] ?? 0) > 0).map(
    (entry) =>
      `${entry.code} ${entry.title}: ${counts[entry.code]} failure${counts[entry.code] === 1 ? '' : 's'} in the last ${windowDays} days. Correct ${entry.setting ?? 'the Exchange credentials'}; the retry pass then replays them automatically.`,
  );
  if (expiry && expiry.state !== 'valid') alerts.push(describeSecretExpiry(expiry));
  return alerts;
}
