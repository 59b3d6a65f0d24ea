import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { operationalLog } from '../../shared/connector';
import type { RetryPassReport } from '../../shared/domain/retryPass';
import type { TransactionRecord } from '../../shared/domain/transaction';
import type { Environment } from '../../shared/settings';
import { upsert } from '../support/changes';
import { useE2eSuite } from '../support/e2eSuite';
import { federatedIdentity, registeredCertificate } from '../support/secretlessSandbox';

const suite = useE2eSuite();
const { mailbox, appointmentId } = suite;
const HOUR = 3_600_000;
const CREDENTIAL_SETTINGS = [
  'EXCHANGE_CREDENTIAL_TYPE',
  'EXCHANGE_CLIENT_CERTIFICATE',
  'EXCHANGE_MANAGED_IDENTITY_CLIENT_ID',
] as const;

beforeAll(() => {
  // App Service sets these for a Function App with a managed identity.
  for (const [name, value] of Object.entries(suite.harness.sandbox.managedIdentity.environment)) {
    suite.harness.setSetting(name, value);
  }
});

afterEach(() => {
  suite.sandbox.reset();
  suite.harness.sandbox.managedIdentity.reset();
  for (const name of CREDENTIAL_SETTINGS) suite.harness.setSetting(name, undefined);
});

function use(settings: Environment): void {
  for (const [name, value] of Object.entries(settings)) suite.harness.setSetting(name, value);
}

function pass(offsetMs = HOUR): Promise<RetryPassReport> {
  const push = (line: unknown) => suite.harness.logs.push(String(line));
  const log = operationalLog({ log: push, error: push }, () => suite.harness.connector().secrets());
  return suite.harness
    .connector()
    .retryPass(log, { now: () => new Date(Date.now() + offsetMs) })
    .run();
}

async function synced(code?: string): Promise<{ change: { changeId: string }; row: TransactionRecord }> {
  const change = upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }]);
  await suite.harness.send(change);
  const row = await suite.harness.waitForTransaction(change.changeId, (r) =>
    code ? r.code === code : r.status === 'Success',
  );
  return { change, row };
}

/**
 * One pass while the failure lasts (a single probe request, to Entra ID or to the identity endpoint,
 * where it fails; nothing replayed), then one after the fix.
 */
async function heldThenReplayed(
  change: { changeId: string },
  fix: () => void,
  probeRequests = () => suite.sandbox.tokenRequests(),
): Promise<void> {
  const before = probeRequests();
  const held = await pass();
  expect(held.probes['token probe']).toBe('failed');
  expect(held.heldByProbe).toBeGreaterThanOrEqual(1);
  expect(probeRequests() - before).toBe(1);
  fix();
  const fixed = await pass(0);
  expect(fixed.probes['token probe']).toBe('passed');
  expect(fixed.replayed).toBeGreaterThanOrEqual(1);
  const row = await suite.harness.waitForTransaction(change.changeId, (r) => r.status === 'Success');
  expect(row.attempts).toBe(2);
}

/** No row and no log line shows any of these values. */
function nowhere(values: readonly string[], rows: readonly TransactionRecord[]): void {
  const written = [...rows.map((row) => JSON.stringify(row)), ...suite.harness.logs].join('\n');
  for (const value of values) expect(written).not.toContain(value);
}

describe('certificate credentials end to end', () => {
  it('syncs with a registered certificate; the private key is in no row or log line', async () => {
    const { certificate, settings } = registeredCertificate(suite.harness.sandbox);
    use(settings);
    const { row } = await synced();
    expect(row.code).toBeUndefined();
    const keyLines = certificate.privateKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    nowhere([certificate.pfxBase64, ...keyLines], [row]);
  });

  it('an unregistered certificate is DSEX007; the retry pass probes once, then replays once it is uploaded', async () => {
    const certificate = suite.harness.sandbox.entra.newCertificate();
    use({ EXCHANGE_CREDENTIAL_TYPE: 'certificate', EXCHANGE_CLIENT_CERTIFICATE: certificate.pem });
    const { change, row } = await synced('DSEX007');
    expect(row.status).toBe('InvalidBackOfficeSettings');
    expect(row.message).toContain(certificate.thumbprintSha256);
    await heldThenReplayed(change, () => {
      suite.harness.sandbox.entra.registerCertificate(certificate.certificatePem);
    });
  });

  it('a certificate type without a certificate is DSEX006 naming the setting', async () => {
    use({ EXCHANGE_CREDENTIAL_TYPE: 'certificate' });
    const { row } = await synced('DSEX006');
    expect(row.message).toContain('EXCHANGE_CLIENT_CERTIFICATE');
  });
});

describe('federated managed identity credentials end to end', () => {
  it('syncs with no secret at all; the managed identity token is in no row or log line', async () => {
    const identity = federatedIdentity(suite.harness.sandbox);
    use(identity.settings);
    const { row } = await synced();
    const issued = suite.harness.sandbox.managedIdentity.issuedTokens;
    expect(issued.length).toBeGreaterThan(0);
    expect(suite.harness.connector().secrets()).toContain(issued.at(-1));
    nowhere(issued, [row]);
  });

  it('no matching federated credential is DSEX009; the probe holds it until the credential is corrected', async () => {
    const identity = federatedIdentity(suite.harness.sandbox);
    suite.harness.sandbox.entra.removeFederatedCredentials();
    suite.harness.sandbox.entra.addFederatedCredential({ subject: identity.clientId });
    use(identity.settings);
    const { change, row } = await synced('DSEX009');
    expect(row.message).toContain('Subject identifier does not match');
    await heldThenReplayed(change, () => {
      suite.harness.sandbox.entra.addFederatedCredential({ subject: identity.principalId });
    });
    nowhere(suite.harness.sandbox.managedIdentity.issuedTokens, [row]);
  });

  it('an identity not assigned to the Function App is DSEX060, replayed once it is assigned', async () => {
    const identity = federatedIdentity(suite.harness.sandbox);
    suite.harness.sandbox.managedIdentity.unassign(identity.clientId);
    use(identity.settings);
    const { change, row } = await synced('DSEX060');
    expect(row.status).toBe('InvalidBackOfficeSettings');
    const { managedIdentity } = suite.harness.sandbox;
    await heldThenReplayed(
      change,
      () => managedIdentity.assign(identity),
      () => managedIdentity.requests,
    );
  });

  it('an unavailable identity endpoint is transient (DSEX042) and heals on the next due replay', async () => {
    const identity = federatedIdentity(suite.harness.sandbox);
    suite.harness.sandbox.managedIdentity.fail('unavailable');
    use(identity.settings);
    const { change, row } = await synced('DSEX042');
    expect(row.status).toBe('Failed');
    suite.harness.sandbox.managedIdentity.clearFailures();
    expect((await pass()).replayed).toBeGreaterThanOrEqual(1);
    const healed = await suite.harness.waitForTransaction(change.changeId, (r) => r.status === 'Success');
    expect(healed.attempts).toBe(2);
  });
});
