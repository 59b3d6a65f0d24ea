import { describe, expect, it } from 'vitest';
import type { Code, TransactionStatus } from '../../shared/domain/catalogue';
import { ACCESS_DENIED_PREFIX } from '../../shared/domain/classifyFailure';
import type { TokenEndpointError } from '../../shared/domain/failures';
import { remove, resourceChange } from '../support/changes';
import { appointment, CLIENT_ID, core, MINUTE, outcome, room, SECRET, START } from '../support/coreScenario';
import { entraAnswers, type GraphAnswer, graphAnswers, TEST_ENVIRONMENT } from '../support/inMemoryPorts';

const R1 = room('R1');
const R2 = room('R2');
/** The first replay of a row that failed once: 5 minutes after now. */
const FIVE_MINUTES_LATER = new Date(START.getTime() + 5 * MINUTE).toISOString();
const TENANT = TEST_ENVIRONMENT.EXCHANGE_TENANT_ID ?? '';

/** The outcome of a row that failed once and is replayed by the retry pass. */
const firstTry = (status: TransactionStatus, code: Code) => ({
  status,
  code,
  attempts: 1,
  nextAttemptAt: FIVE_MINUTES_LATER,
});

/** Syncs A-1 v1 to R1 while Graph answers R1 with `answer`, and checks the row of a first failure. */
async function firstFailure(answer: GraphAnswer, status: TransactionStatus, code: Code) {
  const c = core();
  c.exchange.fail(R1.mailbox, answer);
  const row = await c.processor.process(appointment('A-1', 1, [R1]));
  expect(outcome(row)).toEqual(firstTry(status, code));
  return { c, row };
}

describe('ChangeProcessor: token failures (DSEX001–006, DSEX041)', () => {
  const cases: [string, TokenEndpointError, Code, string][] = [
    [
      'expired secret',
      entraAnswers.expiredSecret(CLIENT_ID),
      'DSEX001',
      `The client secret of Client ID ${CLIENT_ID} has expired (AADSTS7000222).`,
    ],
    [
      'invalid secret',
      entraAnswers.invalidSecret(CLIENT_ID),
      'DSEX002',
      `The client secret of Client ID ${CLIENT_ID} is invalid (AADSTS7000215).`,
    ],
    [
      'unknown client',
      entraAnswers.unknownClient(CLIENT_ID, TENANT),
      'DSEX003',
      `Client ID ${CLIENT_ID} is unknown in tenant ${TENANT} (AADSTS700016).`,
    ],
    [
      'unknown tenant',
      entraAnswers.unknownTenant(TENANT),
      'DSEX004',
      `Tenant ${TENANT} is unknown or malformed (AADSTS90002).`,
    ],
    [
      'disabled app',
      entraAnswers.disabledApp(CLIENT_ID),
      'DSEX005',
      `Microsoft Entra ID rejected the credentials of Client ID ${CLIENT_ID} (AADSTS7000112 unauthorized_client).`,
    ],
    [
      'no secret sent',
      entraAnswers.missingSecret(),
      'DSEX006',
      `No client secret reached Microsoft Entra ID for Client ID ${CLIENT_ID} (AADSTS7000218).`,
    ],
  ];
  for (const [what, answer, code, message] of cases) {
    it(`${what} → ${code}, InvalidBackOfficeSettings, replayed after a fix, no Graph call`, async () => {
      const c = core();
      c.tokens.answer(answer);
      const row = await c.processor.process(appointment('A-1', 1, [R1]));
      expect(outcome(row)).toEqual(firstTry('InvalidBackOfficeSettings', code));
      expect(row?.message.startsWith(`[${code}] ${message}`)).toBe(true);
      expect(c.tokens.calls).toHaveLength(1);
      expect(c.exchange.calls).toEqual([]);
      expect(c.transactions.failureEntries().map((e) => e.summary.code)).toEqual([code]);
    });
  }

  it('Entra ID timing out → DSEX041 Failed, retried', async () => {
    const c = core();
    c.tokens.answer(entraAnswers.timeout('login.microsoftonline.com'));
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(outcome(row)).toEqual(firstTry('Failed', 'DSEX041'));
    expect(row?.message).toBe(
      '[DSEX041] Transient error from Microsoft Entra ID: the token request timed out. Will retry on the next sync attempt.',
    );
  });

  it('Entra ID throttling (429) → DSEX041', async () => {
    const c = core();
    c.tokens.answer(entraAnswers.throttled());
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(outcome(row)?.code).toBe('DSEX041');
    expect(row?.message.startsWith('[DSEX041] Transient error from Microsoft Entra ID: AADSTS90055')).toBe(
      true,
    );
  });
});

describe('ChangeProcessor: settings problems (DSEX003/004/006 before any call)', () => {
  const cases: [string, Record<string, string | undefined>, Code, string][] = [
    [
      'secret missing',
      { EXCHANGE_CLIENT_SECRET: undefined },
      'DSEX006',
      'EXCHANGE_CLIENT_SECRET (the client secret value) is not set',
    ],
    [
      'tenant malformed',
      { EXCHANGE_TENANT_ID: 'https://contoso' },
      'DSEX004',
      'EXCHANGE_TENANT_ID is neither a Directory (tenant) ID (a GUID) nor a domain name; the value set (15 characters) is not shown',
    ],
    [
      'client id malformed',
      { EXCHANGE_CLIENT_ID: 'my-app' },
      'DSEX003',
      'EXCHANGE_CLIENT_ID is not an Application (client) ID (a GUID); the value set (6 characters) is not shown',
    ],
  ];
  for (const [what, settings, code, problem] of cases) {
    it(`${what} → ${code} without asking Entra ID`, async () => {
      const c = core();
      Object.assign(c.env, settings);
      const row = await c.processor.process(appointment('A-1', 1, [R1]));
      expect(outcome(row)).toEqual(firstTry('InvalidBackOfficeSettings', code));
      expect(row?.message.startsWith(`[${code}] The Exchange credentials cannot be used: ${problem}`)).toBe(
        true,
      );
      expect(c.tokens.calls).toEqual([]);
    });
  }

  // Defect (issue 12): a malformed optional setting makes every sync DSEX006; it belongs on /api/health only.
  it('a malformed EXCHANGE_CLIENT_SECRET_EXPIRES_ON does not block the sync', async () => {
    const c = core();
    c.env.EXCHANGE_CLIENT_SECRET_EXPIRES_ON = 'soon';
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(row?.status).toBe('Success');
  });
});

describe('ChangeProcessor: resource outcomes (DSEX010, DSEX011, DSEX012)', () => {
  it('Graph rejecting the token (401) → DSEX010 Skipped, replayed after the graph probe', async () => {
    const { row } = await firstFailure(graphAnswers.unauthorized, 'Skipped', 'DSEX010');
    expect(row?.message).toBe(
      `[DSEX010] Microsoft Graph rejected the access token for Room R1 (${R1.mailbox}) (401 InvalidAuthenticationToken). Check the app's Microsoft Graph application permissions and admin consent, or its RBAC for Applications role assignment in Exchange Online.`,
    );
    expect(row?.resources[0]).toMatchObject({ status: 'Skipped', code: 'DSEX010', action: 'create' });
  });

  it('every resource disabled → DSEX011 naming them, waiting on them, nothing asked of Entra ID or Graph', async () => {
    const c = core();
    const off = [room('R1', { exchangeEnabled: false }), room('R2', { exchangeEnabled: false })];
    const row = await c.processor.process(appointment('A-1', 1, off));
    expect(outcome(row)).toEqual(firstTry('Skipped', 'DSEX011'));
    expect(row?.message).toBe(
      '[DSEX011] Exchange integration is disabled for the assigned resources: Room R1 (No), Room R2 (No).',
    );
    expect(row?.waitingOnResources).toEqual(['R1', 'R2']);
    expect(c.tokens.calls).toEqual([]);
    expect(c.exchange.calls).toEqual([]);
  });

  it('one resource of two disabled → Success for the appointment, the disabled one listed as Skipped', async () => {
    const c = core();
    const row = await c.processor.process(
      appointment('A-1', 1, [R1, room('R2', { exchangeEnabled: false })]),
    );
    expect(outcome(row)).toEqual({ status: 'Success', code: null, attempts: 1, nextAttemptAt: null });
    expect(row?.message).toBe('Synced 1 resource event.');
    expect(row?.resources.map((r) => [r.resourceId, r.status, r.code ?? null])).toEqual([
      ['R1', 'Success', null],
      ['R2', 'Skipped', 'DSEX011'],
    ]);
    expect(row?.waitingOnResources).toBeUndefined();
  });

  it('no resources assigned → DSEX011 "No resources were assigned", waiting on nothing', async () => {
    const c = core();
    const row = await c.processor.process(appointment('A-1', 1, []));
    expect(outcome(row)).toEqual(firstTry('Skipped', 'DSEX011'));
    expect(row?.message).toBe('[DSEX011] No resources were assigned to this appointment.');
    expect(row?.waitingOnResources).toBeUndefined();
  });

  it('an unknown mailbox → DSEX012 Skipped, waiting on the resource', async () => {
    const { c, row } = await firstFailure(graphAnswers.invalidUser, 'Skipped', 'DSEX012');
    expect(row?.message).toBe(
      `[DSEX012] The mailbox of Room R1 (${R1.mailbox}) is not a valid user in the directory (ErrorInvalidUser).`,
    );
    expect(row?.waitingOnResources).toEqual(['R1']);
    expect(await c.mappings.listMappings('A-1')).toEqual([]);
  });
});

describe('ChangeProcessor: deletes (DSEX020, DSEX021)', () => {
  it('a delete with no mapping → DSEX020 EmptyBackOffice, retried with backoff', async () => {
    const c = core();
    const row = await c.processor.process(remove('A-1', 1, 'A-1-v1'));
    expect(outcome(row)).toEqual(firstTry('EmptyBackOffice', 'DSEX020'));
    expect(row?.message).toBe(
      '[DSEX020] No mapping entry: the connector has no event for appointment A-1, so there is nothing to delete yet.',
    );
    expect(c.tokens.calls).toEqual([]);
  });

  it('a delete of an event already gone → DSEX021 Skipped, not replayed, mapping removed', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    c.exchange.deleteInOutlook(R1.mailbox, c.exchange.events(R1.mailbox)[0]?.id ?? '');
    const row = await c.processor.process(remove('A-1', 2, 'A-1-v2'));
    expect(outcome(row)).toEqual({ status: 'Skipped', code: 'DSEX021', attempts: 1, nextAttemptAt: null });
    expect(row?.message).toBe(`[DSEX021] The event of R1 (${R1.mailbox}) was already deleted.`);
    expect(await c.mappings.listMappings('A-1')).toEqual([]);
    expect(await c.transactions.listPending()).toEqual([]);
  });

  it('a redelivered change (deliveryCount 2) whose earlier delivery deleted the event before it crashed → Success', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    const v2 = appointment('A-1', 2, [R2]);
    // The first delivery of v2 deleted R1's event and created R2's, then died before its appointment write.
    c.exchange.deleteInOutlook(R1.mailbox, c.exchange.events(R1.mailbox)[0]?.id ?? '');
    const row = await c.processor.process(v2, { messageId: 'm-2', deliveryCount: 2 });

    expect(outcome(row)).toEqual({ status: 'Success', code: null, attempts: 1, nextAttemptAt: null });
    expect(row?.resources.map((r) => [r.resourceId, r.action, r.status, r.message])).toEqual([
      ['R2', 'create', 'Success', 'Event created.'],
      ['R1', 'delete', 'Success', 'Event already deleted, most likely by another sync of this appointment.'],
    ]);
    expect((await c.mappings.listMappings('A-1')).map((m) => m.resourceId)).toEqual(['R2']);
  });

  it('a redelivered change whose delete fails otherwise (503) records that failure as on a first delivery', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable, { action: 'delete' });
    const row = await c.processor.process(appointment('A-1', 2, [R2]), {
      messageId: 'm-2',
      deliveryCount: 2,
    });
    expect(outcome(row)).toEqual(firstTry('Failed', 'DSEX040'));
    expect(c.exchange.events(R1.mailbox)).toHaveLength(1);
  });

  it('on its first delivery (deliveryCount 1) the same change records the event already gone as DSEX021', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 1, [R1]));
    c.exchange.deleteInOutlook(R1.mailbox, c.exchange.events(R1.mailbox)[0]?.id ?? '');
    const row = await c.processor.process(appointment('A-1', 2, [R2]), {
      messageId: 'm-2',
      deliveryCount: 1,
    });
    expect(outcome(row)).toEqual({ status: 'Skipped', code: 'DSEX021', attempts: 1, nextAttemptAt: null });
  });
});

describe('ChangeProcessor: superseded changes (DSEX022)', () => {
  it('an older version than the one received → DSEX022, nothing written to Exchange', async () => {
    const c = core();
    await c.processor.process(appointment('A-1', 2, [R1]));
    const calls = c.exchange.calls.length;
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(outcome(row)).toEqual({ status: 'Skipped', code: 'DSEX022', attempts: 1, nextAttemptAt: null });
    expect(row?.message).toBe(
      '[DSEX022] A newer change of appointment A-1 was already received; this change (version 1) was not applied.',
    );
    expect(c.exchange.calls).toHaveLength(calls);
    expect(c.exchange.events(R1.mailbox)[0]?.payload.subject).toBe('Appointment A-1 v2');
  });

  it('an older resource state than the one stored → DSEX022, the newer state kept', async () => {
    const c = core();
    await c.processor.process(resourceChange(room('R1', { exchangeEnabled: false }), '2026-11-25T07:00:00Z'));
    const row = await c.processor.process(resourceChange(R1, '2026-11-25T06:00:00Z'));
    expect(outcome(row)).toEqual({ status: 'Skipped', code: 'DSEX022', attempts: 1, nextAttemptAt: null });
    expect(row?.message).toBe(
      '[DSEX022] A newer state of resource R1 was already received; this one was not saved.',
    );
    expect((await c.resources.getResources(['R1'])).get('R1')?.exchangeEnabled).toBe(false);
  });
});

describe('ChangeProcessor: Graph failures (DSEX030, DSEX040, DSUNK001)', () => {
  it('access denied (403) → DSEX030 Failed with the catalogue prefix', async () => {
    const { row } = await firstFailure(graphAnswers.accessDenied, 'Failed', 'DSEX030');
    expect(row?.message).toBe(
      `[DSEX030] ${ACCESS_DENIED_PREFIX} Microsoft Graph answered 403 ErrorAccessDenied for Room R1 (${R1.mailbox}).`,
    );
  });

  it('a transient answer → DSEX040 Failed; a long Retry-After pushes the next attempt later', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.throttled(2 * 3_600_000));
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(outcome(row)).toEqual({
      status: 'Failed',
      code: 'DSEX040',
      attempts: 1,
      nextAttemptAt: new Date(START.getTime() + 2 * 3_600_000).toISOString(),
    });
    expect(row?.message).toBe(
      `[DSEX040] Transient error from Microsoft Graph: 429 ApplicationThrottled for Room R1 (${R1.mailbox}). Will retry on the next sync attempt.`,
    );
  });

  it('a Retry-After shorter than the backoff does not bring the next attempt earlier', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.throttled(1_000));
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(row?.nextAttemptAt?.toISOString()).toBe(FIVE_MINUTES_LATER);
  });

  it('a timeout → DSEX040; several failed resources are counted in the message', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.timeout);
    c.exchange.fail(R2.mailbox, graphAnswers.reset);
    const row = await c.processor.process(appointment('A-1', 1, [R1, R2]));
    expect(outcome(row)?.code).toBe('DSEX040');
    expect(row?.message).toBe(
      `[DSEX040] Transient error from Microsoft Graph: timeout for Room R1 (${R1.mailbox}). Will retry on the next sync attempt. (2 of 2 resources did not sync)`,
    );
  });

  it('mixed outcomes: the most severe code leads, the rest still wait on their resource', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable);
    c.exchange.fail(R2.mailbox, graphAnswers.invalidUser);
    const row = await c.processor.process(appointment('A-1', 1, [R1, R2]));
    expect(outcome(row)).toEqual(firstTry('Failed', 'DSEX040'));
    expect(row?.resources.map((r) => r.code)).toEqual(['DSEX040', 'DSEX012']);
    expect(row?.waitingOnResources).toEqual(['R2']);
  });

  it('an answer no rule knows → DSUNK001 Failed, replayed, with its stack trace logged', async () => {
    const { c, row } = await firstFailure(graphAnswers.badRequest, 'Failed', 'DSUNK001');
    expect(row?.message).toBe(
      `[DSUNK001] Unexpected exception: GraphRequestError: create for ${R1.mailbox}: 400 ErrorInvalidRequest. The stack trace is in the operational log.`,
    );
    const logged = c.log.lines.find((l) => l.level === 'error');
    expect(logged?.properties).toMatchObject({ appointmentId: 'A-1' });
    expect(String(logged?.properties.stack)).toContain('GraphRequestError');
  });

  it('a bug thrown inside a call → DSUNK001 with the error named', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, () => new TypeError("Cannot read properties of undefined (reading 'id')"));
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    expect(
      row?.message.startsWith(
        "[DSUNK001] Unexpected exception: TypeError: Cannot read properties of undefined (reading 'id').",
      ),
    ).toBe(true);
  });

  // Defect (issue 12): an update planned without an event id falls through to deleteEvent(mailbox, '').
  it('an update planned without an event id never calls deleteEvent with an empty id', async () => {
    const c = core();
    await c.mappings.putMapping({
      appointmentId: 'A-1',
      resourceId: 'R1',
      mailbox: R1.mailbox,
      eventId: '',
      updatedAt: START,
    });
    await c.processor.process(appointment('A-1', 1, [R1]));
    expect(c.exchange.calls.filter((call) => call.action === 'delete')).toEqual([]);
  });
});

describe('ChangeProcessor: invalid messages (DSEX050)', () => {
  it('a body that is not JSON → DSEX050 InvalidChangeMessage with the raw body kept, not replayed', async () => {
    const c = core();
    const row = await c.processor.process(Buffer.from('{"appointmentId": "A-1", '), { messageId: 'm-1' });
    expect(outcome(row)).toEqual({
      status: 'InvalidChangeMessage',
      code: 'DSEX050',
      attempts: 1,
      nextAttemptAt: null,
    });
    expect(row?.operation).toBe('invalid');
    expect(row?.message.startsWith('[DSEX050] Invalid change message: ')).toBe(true);
    expect(row?.rawBody).toBe('{"appointmentId": "A-1", ');
    expect(row?.changeId).toBe('message:m-1');
    expect(await c.transactions.listPending()).toEqual([]);
  });

  it('a failed validation names the field and keeps the appointment id', async () => {
    const c = core();
    const body = { ...appointment('A-7', 1, [R1]), version: 'one' };
    const row = await c.processor.process(body);
    expect(outcome(row)?.code).toBe('DSEX050');
    expect(row?.appointmentId).toBe('A-7');
    expect(row?.message).toContain('version');
    const same = await c.processor.process(body);
    expect(same?.transactionId).toBe(row?.transactionId);
  });
});

describe('ChangeProcessor: secrets', () => {
  it('the client secret never appears in a row, its Failures entry or the log, even URL-encoded', async () => {
    const c = core();
    c.exchange.fail(
      R1.mailbox,
      () => new Error(`proxy refused https://x/?secret=${encodeURIComponent(SECRET)} and ${SECRET}`),
    );
    const row = await c.processor.process(appointment('A-1', 1, [R1]));
    const invalid = await c.processor.process(`{"note": "${SECRET}"`, { messageId: 'm-2' });
    expect(row?.message).toContain('[redacted]');
    expect(invalid?.rawBody).toContain('[redacted]');
    const everything = JSON.stringify([
      await c.transactions.getTransaction(row?.transactionId ?? ''),
      await c.transactions.getTransaction(invalid?.transactionId ?? ''),
      c.transactions.failureEntries(),
    ]);
    for (const form of [SECRET, encodeURIComponent(SECRET)]) {
      expect(everything).not.toContain(form);
      expect(c.log.text()).not.toContain(form);
    }
  });
});
