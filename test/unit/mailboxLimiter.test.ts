import { describe, expect, it } from 'vitest';
import { MailboxLimiter } from '../../shared/adapters/mailboxLimiter';

/** A call that stays in flight until released, counting how many run at once. */
function gate(counter: { now: number; peak: number }) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const call = async () => {
    counter.now++;
    counter.peak = Math.max(counter.peak, counter.now);
    await released;
    counter.now--;
  };
  return { call, release: () => release() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('MailboxLimiter', () => {
  it('never lets a newcomer take a freed slot ahead of a waiter: at most 4 in flight', async () => {
    const limiter = new MailboxLimiter(4);
    const counter = { now: 0, peak: 0 };
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
    const a = { now: 0, peak: 0 };
    const b = { now: 0, peak: 0 };
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
});
