import { describe, expect, it } from 'vitest';
import { MessageQueue } from '../../stand-ins/serviceBus/messageQueue';
import type { AmqpMessage } from '../../stand-ins/serviceBus/rheaAdapter';
import { type SessionHolder, SessionLocks } from '../../stand-ins/serviceBus/sessionLocks';

const DURATION = 60_000;

function holder(name: string, events: string[]): SessionHolder {
  return { lockLost: () => events.push(`${name} lost`) };
}

// Times are passed in: the lock's own timer (a minute) never fires during these tests, as it may not
// on a busy event loop before another receiver asks for the session.
describe('SessionLocks: a lock that ran out before its timer fired', () => {
  it('ends the old lock first (its messages back to the queue, its holder told), then locks for the new holder', () => {
    const events: string[] = [];
    const locks = new SessionLocks(DURATION, (sessionId) => events.push(`released ${sessionId}`));
    const crashed = holder('crashed', events);
    const next = holder('next', events);
    expect(locks.lock('A-1', crashed, 0)).toBe(DURATION);
    expect(locks.lock('A-1', next, DURATION - 1)).toBeUndefined();

    expect(locks.lock('A-1', next, DURATION + 1)).toBe(2 * DURATION + 1);
    expect(events).toEqual(['released A-1', 'crashed lost']);
    expect(locks.holds('A-1', next, DURATION + 2)).toBe(true);
    expect(locks.holds('A-1', crashed, DURATION + 2)).toBe(false);
    locks.dispose();
  });

  it('answers undefined when a receiver woken by the released messages took the session meanwhile', () => {
    const events: string[] = [];
    const woken = holder('woken', events);
    const locks: SessionLocks = new SessionLocks(DURATION, (sessionId, now) => {
      events.push(`released ${sessionId}`);
      locks.lock(sessionId, woken, now);
    });
    const late = holder('late', events);
    locks.lock('A-1', holder('crashed', events), 0);

    expect(locks.lock('A-1', late, DURATION + 1)).toBeUndefined();
    expect(locks.holds('A-1', woken, DURATION + 2)).toBe(true);
    expect(events).toEqual(['released A-1', 'crashed lost']);
    locks.dispose();
  });
});

describe('MessageQueue: a session lock that ends', () => {
  it('wakes the receivers waiting for a free session, though none of its messages was locked (a holder that crashed before receiving)', () => {
    const queue = new MessageQueue({
      name: 'q',
      lockDurationMs: DURATION,
      maxDeliveryCount: 10,
      requiresSession: true,
    });
    queue.enqueue({ group_id: 'A-1', body: 'v1' } as AmqpMessage, 0);
    const crashed = holder('crashed', []);
    queue.sessions?.lock('A-1', crashed, 0);
    let woken = 0;
    queue.onReady(() => woken++);
    expect(queue.nextFreeSession(1)).toBeUndefined();

    queue.sessions?.lock('A-1', holder('next', []), DURATION + 1);
    expect(woken).toBe(1);
    queue.sessions?.release('A-1', crashed, DURATION + 2);
    expect(woken).toBe(1);
    queue.dispose();
  });
});
