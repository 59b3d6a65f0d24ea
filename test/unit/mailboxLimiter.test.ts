import { describe, expect, it } from 'vitest';
import { MailboxLimiter } from '../../shared/adapters/mailboxLimiter';
import { gate, inFlight, settle } from '../support/gate';

describe('MailboxLimiter', () => {
  it('never lets a newcomer take a freed slot ahead of a waiter: at most 4 in flight', async () => {
    const limiter = new MailboxLimiter(4);
    const counter = inFlight();
    const holders = Array.from({ length: 4 }, () => gate(counter));
    const running = holders.map((h) => limiter.run('room@x.com', h.call));
    const waiter = gate(counter);
    const waiting = limiter.run('room@x.com', waiter.call);
    await settle();
    expect(counter.now).toBe(4);

    holders[0]?.release();
    // A newcomer arrives right after the slot is freed, before the woken waiter has resumed.
    await Promise.resolve();
    await Promise.resolve();
    const newcomer = gate(counter);
    const late = limiter.run('ROOM@x.com', newcomer.call);
    await settle();
    expect(counter.peak).toBe(4);
    expect(counter.now).toBe(4);

    for (const h of [...holders, waiter, newcomer]) h.release();
    await Promise.all([...running, waiting, late]);
    expect(counter.now).toBe(0);
  });

  it('caps each mailbox on its own: 4 for one does not hold back another', async () => {
    const limiter = new MailboxLimiter(4);
    const a = inFlight();
    const b = inFlight();
    const gatesA = Array.from({ length: 6 }, () => gate(a));
    const gatesB = Array.from({ length: 2 }, () => gate(b));
    const runs = [
      ...gatesA.map((g) => limiter.run('a@x.com', g.call)),
      ...gatesB.map((g) => limiter.run('b@x.com', g.call)),
    ];
    await settle();
    expect([a.now, b.now]).toEqual([4, 2]);
    for (const g of [...gatesA, ...gatesB]) g.release();
    await Promise.all(runs);
    expect([a.peak, b.peak]).toEqual([4, 2]);
  });

  it('holds a mailbox back until its Retry-After has passed', () => {
    const limiter = new MailboxLimiter(4);
    limiter.holdOff('Room@x.com', 30_000, 1_000);
    expect(limiter.waitFor('room@x.com', 1_000)).toBe(30_000);
    expect(limiter.waitFor('room@x.com', 21_000)).toBe(10_000);
    expect(limiter.waitFor('room@x.com', 31_000)).toBe(0);
    expect(limiter.waitFor('other@x.com', 1_000)).toBe(0);
  });

  it('forgets throttled mailboxes once their Retry-After has passed and they are idle', async () => {
    const limiter = new MailboxLimiter(4);
    const start = Date.now();
    for (let i = 0; i < 2_000; i++) limiter.holdOff(`room${i}@x.com`, 5_000, start);
    await limiter.run(
      'busy@x.com',
      async () => undefined,
      () => start + 1_000,
    );
    expect(limiter.size).toBe(2_000);
    await limiter.run(
      'busy@x.com',
      async () => undefined,
      () => start + 60_000,
    );
    expect(limiter.size).toBe(0);
  });

  it('allows 4 requests in flight per mailbox unless told otherwise, as Graph does', async () => {
    const limiter = new MailboxLimiter();
    const counter = inFlight();
    const gates = Array.from({ length: 6 }, () => gate(counter));
    const runs = gates.map((g) => limiter.run('room@x.com', g.call));
    await settle();
    expect(counter.now).toBe(4);
    for (const g of gates) g.release();
    await Promise.all(runs);
    expect(counter).toEqual({ now: 0, peak: 4 });
  });

  it('keeps the later of two Retry-Afters', () => {
    const limiter = new MailboxLimiter(4);
    limiter.holdOff('room@x.com', 30_000, 1_000);
    limiter.holdOff('room@x.com', 5_000, 2_000);
    expect(limiter.waitFor('room@x.com', 2_000)).toBe(29_000);
    limiter.holdOff('room@x.com', 60_000, 2_000);
    expect(limiter.waitFor('room@x.com', 2_000)).toBe(60_000);
  });

  it('never forgets a mailbox with a call in flight, so a newcomer still waits for its slot', async () => {
    const limiter = new MailboxLimiter(4);
    const counter = inFlight();
    const holders = Array.from({ length: 4 }, () => gate(counter));
    const running = holders.map((h) => limiter.run('busy@x.com', h.call, () => 60_000));
    await settle();
    await limiter.run(
      'idle@x.com',
      async () => undefined,
      () => 60_000,
    );
    expect(limiter.size).toBe(1);

    const newcomer = gate(counter);
    const late = limiter.run('busy@x.com', newcomer.call, () => 60_000);
    await settle();
    expect([counter.now, newcomer.started()]).toEqual([4, false]);
    for (const g of [...holders, newcomer]) g.release();
    await Promise.all([...running, late]);
    expect(counter.peak).toBe(4);
  });

  it('forgets an idle mailbox only once its Retry-After has passed, and sweeps at most every 10 s', async () => {
    const limiter = new MailboxLimiter(4);
    const sweepAt = (now: number) =>
      limiter.run(
        'other@x.com',
        async () => undefined,
        () => now,
      );
    limiter.holdOff('room@x.com', 30_000, 0);
    await sweepAt(20_000);
    expect(limiter.waitFor('room@x.com', 20_000)).toBe(10_000);
    await sweepAt(29_999);
    expect(limiter.size).toBe(2);
    await sweepAt(30_000);
    expect(limiter.size).toBe(0);

    limiter.holdOff('room@x.com', 1_000, 30_000);
    await sweepAt(39_999);
    expect(limiter.size).toBe(2);
    await sweepAt(40_000);
    expect(limiter.size).toBe(0);
  });

  it('halves the cap on a new Retry-After (down to 1), not again inside the same one', () => {
    const limiter = new MailboxLimiter(4);
    expect(limiter.capOf('room@x.com')).toBe(4);
    limiter.holdOff('room@x.com', 1_000, 0);
    expect(limiter.capOf('ROOM@x.com')).toBe(2);
    limiter.holdOff('room@x.com', 1_000, 500);
    expect(limiter.capOf('room@x.com')).toBe(2);
    limiter.holdOff('room@x.com', 1_000, 1_000);
    limiter.holdOff('room@x.com', 1_000, 2_000);
    expect(limiter.capOf('room@x.com')).toBe(1);
    expect(limiter.capOf('other@x.com')).toBe(4);
  });

  it('raises the cap by one after 8 × cap successes in a row and 10 s without a halving, up to the maximum', () => {
    const limiter = new MailboxLimiter(4);
    limiter.holdOff('room@x.com', 1_000, 0);
    limiter.holdOff('room@x.com', 1_000, 1_000);
    const succeed = (times: number, at: number) => {
      for (let i = 0; i < times; i++) limiter.succeeded('room@x.com', at);
    };
    succeed(7, 20_000);
    limiter.holdOff('room@x.com', 1_000, 20_000);
    succeed(7, 40_000);
    expect(limiter.capOf('room@x.com')).toBe(1);
    succeed(1, 40_000);
    expect(limiter.capOf('room@x.com')).toBe(2);
    // Enough successes, but too soon after the last halving.
    limiter.holdOff('room@x.com', 1_000, 50_000);
    succeed(100, 59_999);
    expect(limiter.capOf('room@x.com')).toBe(1);
    succeed(1, 60_000);
    expect(limiter.capOf('room@x.com')).toBe(2);
    succeed(15, 60_000);
    expect(limiter.capOf('room@x.com')).toBe(2);
    succeed(1, 60_000);
    expect(limiter.capOf('room@x.com')).toBe(3);
    succeed(24 + 100, 60_000);
    expect(limiter.capOf('room@x.com')).toBe(4);
  });

  it('keeps a fixed cap when not adaptive', () => {
    const limiter = new MailboxLimiter(4, false);
    limiter.holdOff('room@x.com', 1_000, 0);
    limiter.holdOff('room@x.com', 1_000, 5_000);
    expect(limiter.capOf('room@x.com')).toBe(4);
    expect(limiter.waitFor('room@x.com', 5_000)).toBe(1_000);
  });
});
