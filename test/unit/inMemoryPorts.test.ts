import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../shared/domain/classifyFailure';
import type { GraphEventPayload } from '../../shared/domain/eventPayload';
import { GraphRequestError, TokenEndpointError } from '../../shared/domain/failures';
import { InvalidContinuationTokenError } from '../../shared/domain/ports';
import type { TransactionRecord } from '../../shared/domain/transaction';
import { readExchangeCredentials } from '../../shared/settings';
import { entraAnswers, graphAnswers, inMemoryPorts, TEST_ENVIRONMENT } from '../support/inMemoryPorts';

const at = (iso: string) => new Date(iso);

function record(overrides: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    transactionId: 'tx-1',
    changeId: 'chg-1',
    appointmentId: 'A-1',
    operation: 'upsert',
    status: 'Failed',
    code: 'DSEX040',
    message: '[DSEX040] Transient error',
    attempts: 1,
    createdAt: at('2026-11-25T08:00:00Z'),
    lastAttemptAt: at('2026-11-25T08:00:00Z'),
    resources: [],
    nextAttemptAt: at('2026-11-25T08:05:00Z'),
    ...overrides,
  };
}

const payload: GraphEventPayload = {
  subject: 'Review',
  body: { contentType: 'text', content: 'Annual review' },
  start: { dateTime: '2026-12-01T09:00:00.000', timeZone: 'UTC' },
  end: { dateTime: '2026-12-01T10:00:00.000', timeZone: 'UTC' },
  location: { displayName: 'Room 4' },
  isAllDay: false,
  showAs: 'busy',
};

const credentials = () => {
  const read = readExchangeCredentials(TEST_ENVIRONMENT);
  if (!read.ok) throw new Error('test credentials must be valid');
  return read.value;
};

describe('in-memory transaction store', () => {
  it('keeps Pending while nextAttemptAt is set and Failures while the status is not Success', async () => {
    const { transactions, failures } = inMemoryPorts();
    const failed = record();
    await transactions.recordTransaction(failed, null);
    expect((await transactions.listPending()).map((e) => e.transactionId)).toEqual(['tx-1']);
    expect(transactions.failureEntries().map((e) => e.summary.status)).toEqual(['Failed']);

    const { nextAttemptAt: _unused, ...skipped } = record({ status: 'Skipped', code: 'DSEX021' });
    await transactions.recordTransaction(skipped, failed);
    expect(await transactions.listPending()).toEqual([]);
    expect(transactions.failureEntries().map((e) => e.summary.code)).toEqual(['DSEX021']);

    const { code: _none, nextAttemptAt: _gone, ...success } = record({ status: 'Success', message: 'ok' });
    await transactions.recordTransaction(success, skipped);
    expect(transactions.failureEntries()).toEqual([]);
    expect((await transactions.getTransaction('tx-1'))?.status).toBe('Success');
    expect(await failures.countFailuresByCode(at('2026-11-20T00:00:00Z'))).toEqual({});
  });

  it('skips the index deletes for a change never recorded before (previous null), as the table store does', async () => {
    const { transactions } = inMemoryPorts();
    await transactions.recordTransaction(record());
    const { nextAttemptAt: _unused, code: _none, ...success } = record({ status: 'Success' });
    await transactions.recordTransaction(success, null);
    expect((await transactions.listPending()).map((e) => e.transactionId)).toEqual(['tx-1']);
    await transactions.recordTransaction(success, undefined);
    expect(await transactions.listPending()).toEqual([]);
  });

  it('answers undefined for a row never written, and copies rather than shares rows', async () => {
    const { transactions } = inMemoryPorts();
    expect(await transactions.getTransaction('tx-missing')).toBeUndefined();
    const written = record({ resources: [] });
    await transactions.recordTransaction(written, null);
    const read = await transactions.getTransaction('tx-1');
    expect(read).toEqual(written);
    expect(read).not.toBe(written);
  });

  it('claims a pending entry under its ETag once: a stale ETag or a deleted entry loses (412 / 404)', async () => {
    const { transactions } = inMemoryPorts();
    await transactions.recordTransaction(record(), null);
    const [entry] = await transactions.listPending();
    if (!entry) throw new Error('no pending entry');
    expect(entry.firstFailedAt).toEqual(at('2026-11-25T08:00:00Z'));

    expect(await transactions.claimPending(entry, at('2026-11-25T08:15:00Z'))).toBe(true);
    expect(await transactions.claimPending(entry, at('2026-11-25T08:15:00Z'))).toBe(false);
    const [claimed] = await transactions.listPending();
    expect(claimed?.etag).not.toBe(entry.etag);
    expect(claimed?.attempts).toBe(2);
    expect(claimed?.nextAttemptAt).toEqual(at('2026-11-25T08:15:00Z'));

    const rewritten = record({ attempts: 2 });
    await transactions.recordTransaction(rewritten, record());
    expect(await transactions.claimPending(claimed ?? entry, at('2026-11-25T09:00:00Z'))).toBe(false);

    const { nextAttemptAt: _unused, ...done } = record({ status: 'Skipped', code: 'DSEX022' });
    const [fresh] = await transactions.listPending();
    await transactions.recordTransaction(done, rewritten);
    if (!fresh) throw new Error('no pending entry');
    expect(await transactions.claimPending(fresh, at('2026-11-25T09:00:00Z'))).toBe(false);
  });

  it('fails writes on demand, as unreachable storage does', async () => {
    const { transactions } = inMemoryPorts();
    transactions.failWrites(new Error('connect ECONNREFUSED'));
    await expect(transactions.recordTransaction(record(), null)).rejects.toThrow('ECONNREFUSED');
    transactions.failWrites(undefined);
    await transactions.recordTransaction(record(), null);
    expect(await transactions.getTransaction('tx-1')).toBeDefined();
  });
});

describe('in-memory failure index', () => {
  it('lists newest first inside the window, filters, and pages with a token', async () => {
    const { transactions, failures } = inMemoryPorts({ now: at('2026-11-25T12:00:00Z') });
    const rows = [
      record({ transactionId: 'tx-a', createdAt: at('2026-11-24T10:00:00Z'), code: 'DSEX040' }),
      record({ transactionId: 'tx-b', createdAt: at('2026-11-25T09:00:00Z'), code: 'DSEX030' }),
      record({ transactionId: 'tx-c', createdAt: at('2026-11-25T11:00:00Z'), code: 'DSEX040' }),
      record({ transactionId: 'tx-old', createdAt: at('2026-11-01T11:00:00Z'), code: 'DSEX040' }),
    ];
    for (const row of rows) await transactions.recordTransaction(row, null);
    const since = at('2026-11-20T00:00:00Z');

    const first = await failures.listFailures({ since, pageSize: 2 });
    expect(first.items.map((i) => i.transactionId)).toEqual(['tx-c', 'tx-b']);
    const second = await failures.listFailures({
      since,
      pageSize: 2,
      continuationToken: first.continuationToken ?? '',
    });
    expect(second.items.map((i) => i.transactionId)).toEqual(['tx-a']);
    expect(second.continuationToken).toBeUndefined();

    const filtered = await failures.listFailures({ since, pageSize: 10, code: 'DSEX040' });
    expect(filtered.items.map((i) => i.transactionId)).toEqual(['tx-c', 'tx-a']);
    expect(await failures.countFailuresByCode(since)).toEqual({ DSEX040: 2, DSEX030: 1 });
    await expect(
      failures.listFailures({ since, pageSize: 2, continuationToken: 'nonsense' }),
    ).rejects.toThrow(InvalidContinuationTokenError);
  });
});

describe('in-memory state stores', () => {
  it('keeps one entity per appointment; an update under a stale ETag is applied to what won', async () => {
    const { appointments } = inMemoryPorts();
    const state = {
      appointmentId: 'A-1',
      version: 2,
      changeId: 'c2',
      deleted: false,
      receivedAt: at('2026-11-25T08:00:00Z'),
    };
    const empty = await appointments.getAppointment('A-1');
    expect(empty).toEqual({ appointmentId: 'A-1', mappings: [], openTransactions: [] });
    const written = await appointments.updateAppointment(empty, (current) => ({ ...current, state }));
    expect(written.etag).toBeDefined();
    const stale = await appointments.updateAppointment(empty, (current) => ({
      ...current,
      openTransactions: [...current.openTransactions, 'tx-1'],
    }));
    expect(stale.state).toEqual(state);
    const stored = await appointments.getAppointment('A-1');
    expect(stored).toEqual(stale);
    expect(stored.openTransactions).toEqual(['tx-1']);
  });

  it('saves a resource unless a later changedAt is stored; reads only the resources that exist', async () => {
    const { resources } = inMemoryPorts();
    const room = {
      id: 'R-1',
      name: 'Room 1',
      mailbox: 'r1@x.com',
      exchangeEnabled: true,
      changedAt: at('2026-11-25T08:00:00Z'),
    };
    expect(await resources.saveResourceIfNewer(room)).toBe(true);
    expect(await resources.saveResourceIfNewer({ ...room, exchangeEnabled: false })).toBe(true);
    expect(await resources.saveResourceIfNewer({ ...room, changedAt: at('2026-11-25T07:00:00Z') })).toBe(
      false,
    );
    const found = await resources.getResources(['R-1', 'R-1', 'R-missing']);
    expect([...found.keys()]).toEqual(['R-1']);
    expect(found.get('R-1')?.exchangeEnabled).toBe(false);
  });
});

describe('in-memory Entra ID', () => {
  it('answers scripted tokens and TokenEndpointErrors the classifier reads as the adapter’s, and counts calls', async () => {
    const { tokens } = inMemoryPorts();
    tokens.answerNext(entraAnswers.expiredSecret('client'), entraAnswers.timeout('login.example'));
    const first = await tokens.acquireToken(credentials()).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(TokenEndpointError);
    expect(classifyFailure(first).code).toBe('DSEX001');
    const second = await tokens.acquireToken(credentials()).catch((e: unknown) => e);
    expect(classifyFailure(second).code).toBe('DSEX041');
    expect(await tokens.acquireToken(credentials())).toMatch(/^eyJ/);
    expect(tokens.calls).toHaveLength(3);
  });
});

describe('in-memory Exchange', () => {
  it('creates once per transactionId while the event exists, and again after it was deleted', async () => {
    const { exchange } = inMemoryPorts();
    const gateway = exchange.factory(credentials());
    const { eventId: id } = await gateway.createEvent('Room@X.com', payload, 'txn-1');
    expect((await gateway.createEvent('room@x.com', payload, 'txn-1')).eventId).toBe(id);
    expect(exchange.events('room@x.com')).toHaveLength(1);
    exchange.deleteInOutlook('room@x.com', id);
    expect((await gateway.createEvent('room@x.com', payload, 'txn-1')).eventId).not.toBe(id);
  });

  it('answers 404 ErrorItemNotFound on update or delete of a missing event', async () => {
    const { exchange } = inMemoryPorts();
    const gateway = exchange.factory(credentials());
    for (const call of [
      () => gateway.updateEvent('r@x.com', 'E-missing', payload),
      () => gateway.deleteEvent('r@x.com', 'E-missing'),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphRequestError);
      expect((error as GraphRequestError).details).toMatchObject({
        httpStatus: 404,
        graphCode: 'ErrorItemNotFound',
      });
    }
  });

  it('fails calls as scripted per mailbox and action, for a number of times or until healed', async () => {
    const { exchange } = inMemoryPorts();
    const gateway = exchange.factory(credentials());
    exchange.fail('a@x.com', graphAnswers.throttled(30_000), { action: 'create', times: 1 });
    exchange.fail('b@x.com', graphAnswers.accessDenied);
    const throttled = await gateway.createEvent('a@x.com', payload, 't').catch((e: unknown) => e);
    expect((throttled as GraphRequestError).details).toMatchObject({ httpStatus: 429, retryAfterMs: 30_000 });
    await gateway.createEvent('a@x.com', payload, 't');
    await expect(gateway.probe('b@x.com')).rejects.toThrow('403 ErrorAccessDenied');
    exchange.heal('b@x.com');
    await gateway.probe('b@x.com');
    expect(exchange.calls.map((c) => c.action)).toEqual(['create', 'create', 'probe', 'probe']);
  });
});

describe('in-memory replay sender and log', () => {
  it('drops a message id seen within the duplicate window, accepts it after, and fails sends as scripted', async () => {
    const ports = inMemoryPorts();
    const body = {
      kind: 'replay' as const,
      appointmentId: 'A-1',
      transactionIds: ['tx-1'],
      reason: 'manual' as const,
    };
    await ports.sender.send([{ messageId: 'm-1', body }]);
    await ports.sender.send([{ messageId: 'm-1', body }]);
    expect(ports.sender.accepted).toHaveLength(1);
    expect(ports.sender.dropped).toHaveLength(1);
    ports.clock.advance(11 * 60_000);
    await ports.sender.send([{ messageId: 'm-1', body }]);
    expect(ports.sender.accepted).toHaveLength(2);
    ports.sender.failNext(new Error('amqp:connection:forced'));
    await expect(ports.sender.send([{ messageId: 'm-2', body }])).rejects.toThrow('forced');
    expect(ports.sender.accepted).toHaveLength(2);
  });

  it('writes each line redacted with the current secret', () => {
    const ports = inMemoryPorts();
    ports.log.error('undiagnosed failure', {
      message: `failed with ${TEST_ENVIRONMENT.EXCHANGE_CLIENT_SECRET}`,
    });
    expect(ports.log.text()).not.toContain(TEST_ENVIRONMENT.EXCHANGE_CLIENT_SECRET);
    expect(ports.log.lines[0]?.properties.message).toBe('failed with [redacted]');
  });
});
