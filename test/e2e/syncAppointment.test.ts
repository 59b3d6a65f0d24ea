import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCESS_DENIED_PREFIX } from '../../shared/domain/classifyFailure';
import { eventTransactionId } from '../../shared/domain/ids';
import { remove, upsert } from '../support/changes';
import { useE2eSuite } from '../support/e2eSuite';
import { eventually } from '../support/eventually';
import { changeMessage, QUEUE } from '../support/harness';
import { mappingsOf } from '../support/mappings';
import type { GraphFailureKind, SandboxDriver } from '../support/sandboxDriver';
import { legacySecret, secretForms } from '../support/secrets';

const suite = useE2eSuite();
const { mailbox, appointmentId } = suite;

afterEach(() => {
  suite.sandbox.reset();
  for (const [name, value] of Object.entries(suite.harness.settings)) suite.harness.setSetting(name, value);
  suite.harness.tableProxy.up();
});

async function sync(change: { changeId: string }) {
  await suite.harness.send(change);
  return suite.harness.waitForTransaction(change.changeId);
}

describe('syncAppointment: success paths', () => {
  it('creates one event per enabled resource, records Success and the mappings', async () => {
    const room = mailbox('room');
    const person = mailbox('person');
    const id = appointmentId();
    const change = upsert(id, 1, [
      { id: 'R-1', mailbox: room },
      { id: 'P-1', mailbox: person },
    ]);
    const row = await sync(change);
    expect(row).toMatchObject({ status: 'Success', operation: 'upsert', attempts: 1, appointmentId: id });
    expect(row.code).toBeUndefined();
    expect(row.message).toBe('Synced 2 resource events.');
    expect(row.resources.map((r) => [r.resourceId, r.action, r.status])).toEqual([
      ['R-1', 'create', 'Success'],
      ['P-1', 'create', 'Success'],
    ]);
    expect(suite.sandbox.events(room)).toHaveLength(1);
    expect(suite.sandbox.events(room)[0]?.subject).toBe(change.appointment.subject);
    const mappings = await mappingsOf(suite.harness.connector().stores.appointments).listMappings(id);
    expect(mappings.map((m) => m.resourceId).sort()).toEqual(['P-1', 'R-1']);
  });

  it('updates the same event for a newer version, never creating a second', async () => {
    const room = mailbox('room');
    const id = appointmentId();
    await sync(upsert(id, 1, [{ id: 'R-1', mailbox: room }]));
    const row = await sync(upsert(id, 2, [{ id: 'R-1', mailbox: room }], { subject: 'Moved' }));
    expect(row.resources[0]).toMatchObject({ action: 'update', status: 'Success' });
    expect(suite.sandbox.events(room).map((e) => e.subject)).toEqual(['Moved']);
  });

  it('deletes the event of a resource removed from the appointment', async () => {
    const room = mailbox('room');
    const other = mailbox('room');
    const id = appointmentId();
    await sync(
      upsert(id, 1, [
        { id: 'R-1', mailbox: room },
        { id: 'R-2', mailbox: other },
      ]),
    );
    const row = await sync(upsert(id, 2, [{ id: 'R-1', mailbox: room }]));
    expect(row.status).toBe('Success');
    expect(row.resources.map((r) => [r.resourceId, r.action])).toEqual([
      ['R-1', 'update'],
      ['R-2', 'delete'],
    ]);
    expect(suite.sandbox.events(other)).toHaveLength(0);
    expect(suite.sandbox.events(room)).toHaveLength(1);
  });

  it('recreates an event someone deleted in Outlook', async () => {
    const room = mailbox('room');
    const id = appointmentId();
    await sync(upsert(id, 1, [{ id: 'R-1', mailbox: room }]));
    const [event] = suite.sandbox.events(room);
    suite.sandbox.deleteInOutlook(room, event?.id ?? '');
    const row = await sync(upsert(id, 2, [{ id: 'R-1', mailbox: room }]));
    expect(row.status).toBe('Success');
    expect(row.resources[0]?.message).toContain('recreated');
    expect(suite.sandbox.events(room)).toHaveLength(1);
    expect(suite.sandbox.events(room)[0]?.id).not.toBe(event?.id);
  });

  it('a delete removes every event; a delete with nothing mapped is DSEX020 EmptyBackOffice', async () => {
    const room = mailbox('room');
    const id = appointmentId();
    await sync(upsert(id, 1, [{ id: 'R-1', mailbox: room }]));
    const deleted = await sync(remove(id, 2));
    expect(deleted).toMatchObject({ status: 'Success', operation: 'delete' });
    expect(suite.sandbox.events(room)).toHaveLength(0);
    const nothing = await sync(remove(appointmentId(), 1));
    expect(nothing).toMatchObject({ status: 'EmptyBackOffice', code: 'DSEX020' });
    expect(nothing.message).toMatch(/^\[DSEX020\] No mapping entry/);
    expect(nothing.nextAttemptAt).toBeInstanceOf(Date);
  });

  it('a delete whose event is already gone is DSEX021 Skipped, not retried', async () => {
    const room = mailbox('room');
    const id = appointmentId();
    await sync(upsert(id, 1, [{ id: 'R-1', mailbox: room }]));
    suite.sandbox.deleteInOutlook(room, suite.sandbox.events(room)[0]?.id ?? '');
    const row = await sync(remove(id, 2));
    expect(row).toMatchObject({ status: 'Skipped', code: 'DSEX021' });
    expect(row.nextAttemptAt).toBeUndefined();
    expect(await mappingsOf(suite.harness.connector().stores.appointments).listMappings(id)).toEqual([]);
  });

  it('lists disabled resources and syncs the enabled ones', async () => {
    const room = mailbox('room');
    const row = await sync(
      upsert(appointmentId(), 1, [
        { id: 'R-1', mailbox: room },
        { id: 'R-2', name: 'Projector', mailbox: mailbox('projector'), exchangeEnabled: false },
      ]),
    );
    expect(row.status).toBe('Success');
    expect(row.resources.map((r) => [r.resourceId, r.status, r.code])).toEqual([
      ['R-1', 'Success', undefined],
      ['R-2', 'Skipped', 'DSEX011'],
    ]);
  });
});

describe('syncAppointment: no duplicates, nothing lost', () => {
  it('the same change delivered twice makes one event', async () => {
    const room = mailbox('room');
    const change = upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]);
    await suite.harness.sender.sendMessages([
      changeMessage(change, randomUUID()),
      changeMessage(change, randomUUID()),
    ]);
    await suite.harness.waitForTransaction(change.changeId, (row) => row.attempts === 2);
    expect(suite.sandbox.events(room)).toHaveLength(1);
  });

  it('a change older than the newest received is not applied (DSEX022)', async () => {
    const room = mailbox('room');
    const id = appointmentId();
    await sync(upsert(id, 5, [{ id: 'R-1', mailbox: room }], { subject: 'Newest' }));
    const stale = await sync(upsert(id, 4, [{ id: 'R-1', mailbox: room }], { subject: 'Stale' }));
    expect(stale).toMatchObject({ status: 'Skipped', code: 'DSEX022' });
    expect(suite.sandbox.events(room).map((e) => e.subject)).toEqual(['Newest']);
  });

  it('a handler that dies between the create and the mapping write recovers with one event', async () => {
    const room = mailbox('room');
    const id = appointmentId();
    const change = upsert(id, 1, [{ id: 'R-1', mailbox: room }]);
    suite.sandbox.latency(room, 400);
    const abandonedBefore = suite.harness.abandoned();
    await suite.harness.send(change);
    await suite.sandbox.waitForRequest(room, 'POST');
    suite.harness.tableProxy.down();
    await eventually(
      'the handler gave up and its message was abandoned',
      () => suite.harness.abandoned() > abandonedBefore,
      60_000,
    );
    expect(suite.sandbox.events(room)).toHaveLength(1);
    suite.harness.tableProxy.up();
    const row = await suite.harness.waitForTransaction(
      change.changeId,
      (r) => r.status === 'Success',
      30_000,
    );
    expect(row.resources[0]?.action).toBe('create');
    expect(suite.sandbox.events(room)).toHaveLength(1);
    expect(suite.sandbox.eventsWithTransactionId(room, eventTransactionId(id, 'R-1', room))).toBe(1);
    expect(
      (await mappingsOf(suite.harness.connector().stores.appointments).listMappings(id)).map(
        (m) => m.eventId,
      ),
    ).toEqual([suite.sandbox.events(room)[0]?.id]);
  });

  it('an invalid message is recorded as DSEX050 naming the field, keeps the raw body and is completed', async () => {
    const change = upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }], {
      start: '2026-12-01T11:00:00+01:00',
      end: '2026-12-01T10:00:00+01:00',
    });
    const messageId = randomUUID();
    await suite.harness.sender.sendMessages(changeMessage(change, messageId));
    const row = await suite.harness.waitForTransaction(`message:${messageId}`);
    expect(row).toMatchObject({ status: 'InvalidChangeMessage', code: 'DSEX050', operation: 'invalid' });
    expect(row.message).toContain('appointment.end');
    expect(row.rawBody).toContain(change.changeId);
    expect(row.nextAttemptAt).toBeUndefined();
    await suite.harness.settled();
    expect(suite.harness.serviceBus.stats(QUEUE).deadLettered).toBe(0);
    expect(
      await suite.harness.connector().stores.transactions.getTransaction(row.transactionId),
    ).toMatchObject({
      attempts: 1,
      code: 'DSEX050',
    });
  });
});

describe('syncAppointment: settings and credentials', () => {
  it('missing settings are DSEX006, naming them', async () => {
    suite.harness.setSetting('EXCHANGE_CLIENT_SECRET', undefined);
    const row = await sync(upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }]));
    expect(row).toMatchObject({ status: 'InvalidBackOfficeSettings', code: 'DSEX006' });
    expect(row.message).toContain('EXCHANGE_CLIENT_SECRET');
  });

  it('a tenant id that is neither a GUID nor a domain is DSEX004 without calling Entra ID', async () => {
    suite.harness.setSetting('EXCHANGE_TENANT_ID', 'not a tenant!');
    const before = suite.sandbox.tokenRequests();
    const row = await sync(upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }]));
    expect(row).toMatchObject({ status: 'InvalidBackOfficeSettings', code: 'DSEX004' });
    expect(suite.sandbox.tokenRequests()).toBe(before);
  });

  it.each([
    ['an expired secret', 'DSEX001', (s: SandboxDriver) => ({ EXCHANGE_CLIENT_SECRET: s.expiredSecret() })],
    ['a wrong secret', 'DSEX002', () => ({ EXCHANGE_CLIENT_SECRET: `wrong-${randomUUID()}` })],
    ['an unknown client id', 'DSEX003', () => ({ EXCHANGE_CLIENT_ID: randomUUID() })],
    ['an unknown tenant', 'DSEX004', () => ({ EXCHANGE_TENANT_ID: randomUUID() })],
    [
      'a disabled application',
      'DSEX005',
      (s: SandboxDriver) => ({ EXCHANGE_CLIENT_ID: s.disabledClientId() }),
    ],
  ])('%s is %s (InvalidBackOfficeSettings)', async (_name, code, settings) => {
    for (const [name, value] of Object.entries(settings(suite.sandbox)))
      suite.harness.setSetting(name, value);
    const room = mailbox('room');
    const row = await sync(upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]));
    expect(row).toMatchObject({ status: 'InvalidBackOfficeSettings', code });
    expect(row.message).toMatch(/AADSTS\d+/);
    expect(suite.sandbox.events(room)).toHaveLength(0);
    if (code === 'DSEX001') expect(row.message).toContain(suite.harness.settings.EXCHANGE_CLIENT_ID);
  });

  it('Entra ID answering 503 is DSEX041, retried', async () => {
    suite.harness.setSetting('EXCHANGE_CLIENT_SECRET', suite.sandbox.freshSecret());
    suite.sandbox.entraFails('503');
    const row = await sync(upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }]));
    expect(row).toMatchObject({ status: 'Failed', code: 'DSEX041' });
    expect(row.message).toMatch(
      /^\[DSEX041\] Transient error from Microsoft Entra ID: .*Will retry on the next sync attempt\.$/,
    );
    expect(row.nextAttemptAt).toBeInstanceOf(Date);
  });

  it('Entra ID hanging times out and is DSEX041', async () => {
    suite.harness.setSetting('EXCHANGE_CLIENT_SECRET', suite.sandbox.freshSecret());
    suite.sandbox.entraFails('hang');
    const row = await sync(upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }]));
    expect(row).toMatchObject({ status: 'Failed', code: 'DSEX041' });
    expect(row.message).toContain('timed out');
  });
});

describe('syncAppointment: Microsoft Graph failures', () => {
  it.each<[GraphFailureKind, string, string]>([
    ['unauthorized', 'DSEX010', 'Skipped'],
    ['accessDenied', 'DSEX030', 'Failed'],
    ['invalidUser', 'DSEX012', 'Skipped'],
    ['notEnabled', 'DSEX012', 'Skipped'],
    ['serverError', 'DSEX040', 'Failed'],
    ['unavailable', 'DSEX040', 'Failed'],
    ['gatewayTimeout', 'DSEX040', 'Failed'],
    ['throttled', 'DSEX040', 'Failed'],
    ['reset', 'DSEX040', 'Failed'],
  ])('%s → %s (%s)', async (kind, code, status) => {
    const room = mailbox('room');
    suite.sandbox.mailboxFails(room, kind);
    const row = await sync(upsert(appointmentId(), 1, [{ id: 'R-1', name: 'Room 4', mailbox: room }]));
    expect(row).toMatchObject({ status, code });
    expect(row.resources[0]).toMatchObject({ resourceId: 'R-1', code, mailbox: room });
    if (code === 'DSEX030') expect(row.message.startsWith(`[DSEX030] ${ACCESS_DENIED_PREFIX}`)).toBe(true);
    if (code === 'DSEX040')
      expect(row.message).toMatch(
        /Transient error from Microsoft Graph: .*Will retry on the next sync attempt\./,
      );
    expect(suite.sandbox.events(room)).toHaveLength(0);
  });

  it('an unrecognised Graph answer is DSUNK001 with the stack in the log, not in the row', async () => {
    const room = mailbox('room');
    suite.sandbox.mailboxFails(room, 'unexpected');
    const row = await sync(upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]));
    expect(row).toMatchObject({ status: 'Failed', code: 'DSUNK001' });
    expect(JSON.stringify(row)).not.toMatch(/\n\s+at /);
    expect(
      suite.harness.logs.some((line) => line.includes('undiagnosed failure') && line.includes('at ')),
    ).toBe(true);
  });

  it('no resources assigned, or all disabled, is DSEX011 with the seed wording', async () => {
    const none = await sync(upsert(appointmentId(), 1, []));
    expect(none).toMatchObject({ status: 'Skipped', code: 'DSEX011' });
    expect(none.message).toBe('[DSEX011] No resources were assigned to this appointment.');
    const disabled = await sync(
      upsert(appointmentId(), 1, [
        { id: 'R-1', name: 'Room 4', mailbox: mailbox('room'), exchangeEnabled: false },
        { id: 'R-2', name: 'Beamer', mailbox: mailbox('beamer'), exchangeEnabled: false },
      ]),
    );
    expect(disabled).toMatchObject({ status: 'Skipped', code: 'DSEX011' });
    expect(disabled.message).toContain('Room 4 (No), Beamer (No)');
  });

  it('mixed outcomes: the row carries the most severe code, each resource its own', async () => {
    const ok = mailbox('ok');
    const invalid = mailbox('invalid');
    const busy = mailbox('busy');
    suite.sandbox.mailboxFails(invalid, 'invalidUser');
    suite.sandbox.mailboxFails(busy, 'serverError');
    const row = await sync(
      upsert(appointmentId(), 1, [
        { id: 'R-ok', mailbox: ok },
        { id: 'R-invalid', mailbox: invalid },
        { id: 'R-busy', mailbox: busy },
      ]),
    );
    expect(row).toMatchObject({ status: 'Failed', code: 'DSEX040' });
    expect(row.message).toContain('(2 of 3 resources did not sync)');
    expect(Object.fromEntries(row.resources.map((r) => [r.resourceId, r.code ?? r.status]))).toEqual({
      'R-ok': 'Success',
      'R-invalid': 'DSEX012',
      'R-busy': 'DSEX040',
    });
    expect(row.waitingOnResources).toEqual(['R-invalid']);
    expect(suite.sandbox.events(ok)).toHaveLength(1);
  });
});

describe('syncAppointment: secrets', () => {
  /** Fails naming the form if any form of the secret is in the text. */
  const expectNoSecret = (text: string, secret: string) => {
    for (const form of secretForms(secret)) expect(text).not.toContain(form);
  };
  const logsOf = (transactionId: string) => suite.harness.logs.filter((line) => line.includes(transactionId));
  // The row is visible once its first write lands; its log line follows the index writes, and the
  // message is settled only after the handler returned, so the logs are complete once it is.

  it('a secret with characters URL-encoding changes works, and no row or log line holds it, as it is or encoded', async () => {
    const secret = suite.sandbox.freshSecret(legacySecret());
    suite.harness.setSetting('EXCHANGE_CLIENT_SECRET', secret);
    const synced = await sync(upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }]));
    expect(synced.status).toBe('Success');

    // A back office that pasted a token request's form body into a change: the row keeps the raw body.
    const messageId = randomUUID();
    const pasted = { kind: 'appointment', note: `client_secret=${encodeURIComponent(secret)} (${secret})` };
    await suite.harness.sender.sendMessages(changeMessage(pasted, messageId));
    const invalid = await suite.harness.waitForTransaction(`message:${messageId}`);
    expect(invalid.code).toBe('DSEX050');
    expect(invalid.rawBody).toContain('client_secret=[redacted] ([redacted])');

    await suite.harness.settled();
    for (const row of [synced, invalid]) {
      expectNoSecret(JSON.stringify(row), secret);
      expect(logsOf(row.transactionId)).toHaveLength(1);
    }
    expectNoSecret(suite.harness.logs.join('\n'), secret);
  });

  it('a rejected secret with such characters is DSEX002 and appears nowhere, as it is or encoded', async () => {
    const secret = legacySecret();
    suite.harness.setSetting('EXCHANGE_CLIENT_SECRET', secret);
    const row = await sync(upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: mailbox('room') }]));
    expect(row.code).toBe('DSEX002');
    expectNoSecret(JSON.stringify(row), secret);
    await suite.harness.settled();
    expect(logsOf(row.transactionId)).toHaveLength(1);
    expectNoSecret(suite.harness.logs.join('\n'), secret);
  });
});
