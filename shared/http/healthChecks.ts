import { type Code, catalogueEntry } from '../domain/catalogue';
import { classifyFailure } from '../domain/classifyFailure';
import { credentialFailure } from '../domain/credentialFailure';
import {
  type CredentialExpiry,
  describeProblems,
  type ExchangeCredentials,
  type SettingsResult,
} from '../domain/credentials';
import { assessSecretExpiry, describeSecretExpiry, expiredCode } from './secretExpiry';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthCheck {
  readonly name: 'tableStorage' | 'serviceBus' | 'token' | 'secretExpiry';
  readonly status: HealthStatus;
  readonly message: string;
  /** The catalogue code that blocks (or will block) syncing. */
  readonly code?: Code;
  readonly daysLeft?: number;
}

export interface HealthReport {
  readonly status: HealthStatus;
  readonly checks: readonly HealthCheck[];
}

/** The calls each check makes, so the checks can be judged without Azure. */
export interface HealthProbes {
  readTable(): Promise<unknown>;
  peekQueue(signal: AbortSignal): Promise<unknown>;
  acquireToken(credentials: ExchangeCredentials): Promise<unknown>;
  readCredentials(): SettingsResult<ExchangeCredentials>;
  readCredentialExpiry(): SettingsResult<CredentialExpiry | undefined>;
  now(): Date;
}

export const CHECK_TIMEOUT_MS = 5_000;
const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>, what: string): Promise<T> {
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  return Promise.race([
    run(signal),
    new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () =>
        reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS / 1000} s`)),
      ),
    ),
  ]);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] || error.name : String(error);
}

async function infrastructureCheck(
  name: 'tableStorage' | 'serviceBus',
  what: string,
  run: (signal: AbortSignal) => Promise<unknown>,
): Promise<HealthCheck> {
  try {
    await withTimeout(run, what);
    return { name, status: 'healthy', message: `${what} answered.` };
  } catch (error) {
    return { name, status: 'unhealthy', message: `${what} failed: ${reason(error)}` };
  }
}

async function tokenCheck(probes: HealthProbes, credentials: SettingsResult<ExchangeCredentials>) {
  if (!credentials.ok) {
    const failure = credentialFailure(credentials.problems);
    return {
      name: 'token',
      status: 'unhealthy',
      message: failure.message,
      code: failure.code,
    } satisfies HealthCheck;
  }
  const { clientId, tenantId } = credentials.value;
  try {
    await withTimeout(() => probes.acquireToken(credentials.value), 'Microsoft Entra ID');
    return {
      name: 'token',
      status: 'healthy',
      message: `Microsoft Entra ID issued a token for Client ID ${clientId}.`,
    } satisfies HealthCheck;
  } catch (error) {
    const failure = classifyFailure(error, { clientId, tenantId });
    // A transient Entra ID failure (DSEX041) heals by itself; every other code needs a fix first.
    const status = catalogueEntry(failure.code).retry === 'retried' ? 'degraded' : 'unhealthy';
    return { name: 'token', status, message: failure.message, code: failure.code } satisfies HealthCheck;
  }
}

/** The secret's or certificate's expiry date; a malformed one is shown here and nowhere blocks a sync. */
function expiryCheck(
  setting: SettingsResult<CredentialExpiry | undefined>,
  now: Date,
): HealthCheck | undefined {
  if (!setting.ok) {
    return { name: 'secretExpiry', status: 'degraded', message: `${describeProblems(setting.problems)}.` };
  }
  if (!setting.value) return undefined;
  const expiry = assessSecretExpiry(setting.value.expiresOn, now, setting.value.credential);
  const status = { valid: 'healthy', expiring: 'degraded', expired: 'unhealthy' } as const;
  return {
    name: 'secretExpiry',
    status: status[expiry.state],
    message: describeSecretExpiry(expiry),
    daysLeft: expiry.daysLeft,
    ...(expiry.state === 'expired' ? { code: expiredCode(expiry) } : {}),
  };
}

/** Table Storage, Service Bus and Microsoft Entra ID in parallel, plus the secret's or certificate's expiry. */
export async function runHealthChecks(probes: HealthProbes): Promise<HealthReport> {
  const credentials = probes.readCredentials();
  const checks: HealthCheck[] = await Promise.all([
    infrastructureCheck('tableStorage', 'Table Storage', () => probes.readTable()),
    infrastructureCheck('serviceBus', 'Service Bus', (signal) => probes.peekQueue(signal)),
    tokenCheck(probes, credentials),
  ]);
  const expiry = expiryCheck(probes.readCredentialExpiry(), probes.now());
  if (expiry) checks.push(expiry);
  const status = checks.reduce<HealthStatus>(
    (worst, check) => (RANK[check.status] > RANK[worst] ? check.status : worst),
    'healthy',
  );
  return { status, checks };
}
