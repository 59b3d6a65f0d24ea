import { describe, expect, it } from 'vitest';
import { eventPayload } from '../../shared/domain/eventPayload';
import { eventTransactionId, replayMessageId, transactionIdFor } from '../../shared/domain/ids';
import { PerKeyQueue } from '../../shared/domain/perKeyQueue';
import type { EventMapping, ResourceState } from '../../shared/domain/ports';
import { redact, redactDeep } from '../../shared/domain/redaction';
import { isInsideWindow, nextAttemptAt, RETRY_BACKOFF } from '../../shared/domain/retryPolicy';
import { effectiveResources, planDelete, planUpsert } from '../../shared/domain/syncPlan';

const room = (id: string, mailbox: string, exchangeEnabled = true) => ({
  id,
  name: `Room ${id}`,
  mailbox,
  exchangeEnabled,
});
const mapping = (resourceId: string, mailbox: string, eventId: string): EventMapping => ({
  appointmentId: 'A-1',
  resourceId,
  mailbox,
  eventId,
  updatedAt: new Date(0),
});

describe('planUpsert', () => {
  it('creates new, updates mapped, deletes removed, lists disabled', () => {
    const plan = planUpsert(
      [room('1', 'a@x.com'), room('2', 'b@x.com'), room('3', 'c@x.com', false)],
      [mapping('2', 'b@x.com', 'E2'), mapping('9', 'z@x.com', 'E9')],
    );
    expect(
      plan.calls.map((c) => [c.action, c.resource.id, c.mailbox, 'eventId' in c ? c.eventId : undefined]),
    ).toEqual([
      ['create', '1', 'a@x.com', undefined],
      ['update', '2', 'b@x.com', 'E2'],
      ['delete', '9', 'z@x.com', 'E9'],
    ]);
    expect(plan.disabled.map((r) => r.id)).toEqual(['3']);
  });

  it('moves an event when the mailbox of a resource changed: delete in the old, create in the new', () => {
    const plan = planUpsert([room('1', 'new@x.com')], [mapping('1', 'OLD@x.com', 'E1')]);
    expect(plan.calls.map((c) => [c.action, c.mailbox])).toEqual([
      ['delete', 'OLD@x.com'],
      ['create', 'new@x.com'],
    ]);
  });

  it('treats mailboxes case-insensitively', () => {
    expect(planUpsert([room('1', 'A@X.com')], [mapping('1', 'a@x.com', 'E1')]).calls[0]?.action).toBe(
      'update',
    );
  });

  it('planDelete deletes every mapped event', () => {
    expect(
      planDelete([mapping('1', 'a@x.com', 'E1')]).calls.map((c) => [c.action, 'eventId' in c && c.eventId]),
    ).toEqual([['delete', 'E1']]);
    expect(planDelete([]).calls).toEqual([]);
  });
});

describe('effectiveResources', () => {
  const stored = new Map<string, ResourceState>([
    ['1', { ...room('1', 'fixed@x.com', true), changedAt: new Date('2026-11-24T10:00:00Z') }],
  ]);

  it('a newer resource change overrides the snapshot', () => {
    const [resource] = effectiveResources(
      [room('1', 'typo@x', false)],
      stored,
      new Date('2026-11-24T09:00:00Z'),
    );
    expect(resource).toEqual(room('1', 'fixed@x.com', true));
  });

  it('an older resource change does not', () => {
    const [resource] = effectiveResources(
      [room('1', 'later@x.com', false)],
      stored,
      new Date('2026-11-24T11:00:00Z'),
    );
    expect(resource?.mailbox).toBe('later@x.com');
  });

  it('without a change time the stored state wins (replays)', () => {
    expect(effectiveResources([room('1', 'old@x.com', false)], stored, undefined)[0]?.exchangeEnabled).toBe(
      true,
    );
  });
});

describe('eventPayload', () => {
  const snapshot = {
    subject: '<script>alert(1)</script>',
    start: '2026-12-01T10:00:00+01:00',
    end: '2026-12-01T11:30:00+01:00',
    timeZone: 'Europe/Amsterdam',
    location: 'Room 4',
    body: '<b>bold</b>',
    isAllDay: false,
    resources: [],
  };

  it('writes timed events in UTC and the body as plain text', () => {
    const payload = eventPayload(snapshot);
    expect(payload.start).toEqual({ dateTime: '2026-12-01T09:00:00.000', timeZone: 'UTC' });
    expect(payload.end).toEqual({ dateTime: '2026-12-01T10:30:00.000', timeZone: 'UTC' });
    expect(payload.body).toEqual({ contentType: 'text', content: '<b>bold</b>' });
    expect(payload.subject).toBe('<script>alert(1)</script>');
  });

  it('keeps all-day events at midnight in their own time zone', () => {
    const payload = eventPayload({
      ...snapshot,
      isAllDay: true,
      start: '2026-12-01T00:00:00+01:00',
      end: '2026-12-02T00:00:00+01:00',
    });
    expect(payload.start).toEqual({ dateTime: '2026-12-01T00:00:00', timeZone: 'Europe/Amsterdam' });
    expect(payload.end).toEqual({ dateTime: '2026-12-02T00:00:00', timeZone: 'Europe/Amsterdam' });
  });
});

describe('ids', () => {
  it('are deterministic and distinct', () => {
    expect(transactionIdFor('c-1')).toBe(transactionIdFor('c-1'));
    expect(transactionIdFor('c-1')).not.toBe(transactionIdFor('c-2'));
    expect(transactionIdFor('c-1')).toMatch(/^tx-[0-9a-f]{24}$/);
    const id = eventTransactionId('A-1', 'R-1', 'Room@x.com');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(eventTransactionId('A-1', 'R-1', 'room@X.COM')).toBe(id);
    expect(eventTransactionId('A-1', 'R-1', 'room@x.com', 'E-old')).not.toBe(id);
    expect(replayMessageId('tx-1', 3)).toBe('replay:tx-1:3');
  });
});

describe('retry policy', () => {
  const now = new Date('2026-11-25T00:00:00Z');

  it('doubles from 5 minutes to a 12-hour cap', () => {
    const delays = [1, 2, 3, 10, 50].map((n) => nextAttemptAt(now, n).getTime() - now.getTime());
    expect(delays).toEqual([300_000, 600_000, 1_200_000, RETRY_BACKOFF.maxDelayMs, RETRY_BACKOFF.maxDelayMs]);
  });

  it('lets Retry-After push the next attempt later, never earlier', () => {
    expect(nextAttemptAt(now, 1, 3_600_000).getTime() - now.getTime()).toBe(3_600_000);
    expect(nextAttemptAt(now, 1, 1_000).getTime() - now.getTime()).toBe(300_000);
  });

  it('replays a row that fails for 14 days a few dozen times', () => {
    let at = now;
    let attempts = 0;
    while (isInsideWindow(at, now, 14)) {
      attempts++;
      at = nextAttemptAt(at, attempts);
    }
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});

describe('redaction', () => {
  it('removes secrets and their URL-encoded forms, deep', () => {
    const secret = 'Ab~c/d+e=f';
    expect(redact(`x ${secret} y ${encodeURIComponent(secret)}`, [secret])).toBe('x [redacted] y [redacted]');
    expect(redactDeep({ a: [{ b: `p${secret}` }], d: new Date(0) }, [secret])).toEqual({
      a: [{ b: 'p[redacted]' }],
      d: new Date(0),
    });
  });
});

describe('PerKeyQueue', () => {
  it('runs tasks of one key in order and of different keys in parallel, surviving failures', async () => {
    const lanes = new PerKeyQueue();
    const order: string[] = [];
    const finish = new Map<string, () => void>();
    // Each task runs until the test finishes it, so the order is the test's, not the clock's.
    const task =
      (name: string, fail = false) =>
      async () => {
        order.push(`start ${name}`);
        await new Promise<void>((resolve) => finish.set(name, resolve));
        order.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const settled = () => new Promise((resolve) => setImmediate(resolve));
    const results = Promise.allSettled([
      lanes.run('a', task('a1', true)),
      lanes.run('a', task('a2')),
      lanes.run('b', task('b1')),
    ]);
    await settled();
    expect(order).toEqual(['start a1', 'start b1']);
    finish.get('b1')?.();
    await settled();
    finish.get('a1')?.();
    await settled();
    expect(order).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2']);
    finish.get('a2')?.();
    expect((await results).map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(order.at(-1)).toBe('end a2');
  });
});
