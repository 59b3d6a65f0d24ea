import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../shared/adapters/semaphore';
import { gate, inFlight, settle } from '../support/gate';

describe('Semaphore', () => {
  it('lets `limit` holders in at once and the next one only when a slot is released', async () => {
    const semaphore = new Semaphore(2);
    const counter = inFlight();
    const gates = Array.from({ length: 3 }, () => gate(counter));
    const runs = gates.map((g) => semaphore.run(g.call));
    await settle();
    expect(gates.map((g) => g.started())).toEqual([true, true, false]);

    gates[1]?.release();
    await settle();
    expect(gates.map((g) => g.started())).toEqual([true, true, true]);
    expect(counter.now).toBe(2);

    for (const g of gates) g.release();
    await Promise.all(runs);
    expect(counter).toEqual({ now: 0, peak: 2 });
  });

  it('hands a released slot to the longest waiter, first come first served', async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    const holder = gate(inFlight());
    const running = semaphore.run(holder.call);
    const waiters = ['first', 'second', 'third'].map((name) =>
      semaphore.run(async () => {
        order.push(name);
      }),
    );
    await settle();
    expect(order).toEqual([]);
    holder.release();
    await Promise.all([running, ...waiters]);
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('releases the slot of a holder whose work fails, and passes the failure on', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
    expect(semaphore.idle).toBe(true);
  });

  it('is idle only with no holder and no waiter', async () => {
    const semaphore = new Semaphore(1);
    expect(semaphore.idle).toBe(true);
    const holder = gate(inFlight());
    const running = semaphore.run(holder.call);
    await settle();
    expect(semaphore.idle).toBe(false);
    holder.release();
    await running;
    expect(semaphore.idle).toBe(true);

    // With no slot at all, a caller waits for ever: a waiter without a holder is not idle either.
    const closed = new Semaphore(0);
    void closed.run(async () => undefined);
    await settle();
    expect(closed.idle).toBe(false);
  });

  it('a lowered limit lets holders over it finish without handing their slots on; a raised one lets waiters in at once', async () => {
    const semaphore = new Semaphore(3);
    const counter = inFlight();
    const gates = Array.from({ length: 7 }, () => gate(counter));
    const runs = gates.map((g) => semaphore.run(g.call));
    await settle();
    semaphore.setLimit(1);
    gates[0]?.release();
    gates[1]?.release();
    await settle();
    expect(gates.map((g) => g.started())).toEqual([true, true, true, false, false, false, false]);
    expect(counter.now).toBe(1);

    semaphore.setLimit(3);
    await settle();
    expect(gates.map((g) => g.started())).toEqual([true, true, true, true, true, false, false]);
    expect(counter.now).toBe(3);
    for (const g of gates) g.release();
    await Promise.all(runs);
    expect(counter).toEqual({ now: 0, peak: 3 });
  });
});
