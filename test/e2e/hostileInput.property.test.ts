/**
 * Property suite through the queue: hostile bodies, ids, sizes and dates sent to Service Bus and
 * handled by syncAppointment as the host runs it. For every message: exactly one row, with a
 * catalogue code (or Success), the handler never throws (nothing abandoned, so nothing
 * dead-lettered), no unhandled rejection. Fixed seed; RUNS messages (about 35 s on 2 cores).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogueEntry, isCode } from '../../shared/domain/catalogue';
import { parseChangeMessage } from '../../shared/domain/changeMessage';
import { transactionIdFor } from '../../shared/domain/ids';
import { sessionIdForBody } from '../../shared/domain/sessionIds';
import type { TransactionRecord } from '../../shared/domain/transaction';
import { hostileQueueMessage } from '../arbitraries/queueMessages';
import { useE2eSuite } from '../support/e2eSuite';
import { QUEUE } from '../support/harness';

const SEED = 13_001;
const RUNS = 100;

const suite = useE2eSuite();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const figures = { messages: 0, rows: 0, invalid: 0 };

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  console.log(`property suite through the queue: ${JSON.stringify(figures)}`);
});

/** The one row of a message: a valid change's own (written after `sentAt`), else the message's. */
async function rowOf(wire: string | Buffer, messageId: string, sentAt: Date): Promise<TransactionRecord> {
  const parsed = parseChangeMessage(wire);
  const own = parsed.ok ? transactionIdFor(parsed.change.changeId) : undefined;
  const asInvalid = transactionIdFor(`message:${messageId}`);
  const row = await suite.harness.waitForTransaction(
    own ?? asInvalid,
    (r) => r.lastAttemptAt.getTime() >= sentAt.getTime() - 1,
    45_000,
  );
  if (own)
    expect(await suite.harness.connector().stores.transactions.getTransaction(asInvalid)).toBeUndefined();
  return row;
}

describe('hostile messages through the queue (property, fixed seed)', () => {
  it(`${RUNS} messages: one row each with a catalogue code, nothing thrown, abandoned or dead-lettered`, async () => {
    const domain = suite.harness.sandbox.tenant.domain;
    await fc.assert(
      fc.asyncProperty(hostileQueueMessage(domain), async (wire) => {
        const messageId = randomUUID();
        const sentAt = new Date();
        // The session id the back office would set (its body's, else the message's own).
        await suite.harness.sender.sendMessages({
          body: wire,
          messageId,
          sessionId: sessionIdForBody(wire) ?? messageId,
        });
        figures.messages++;
        const row = await rowOf(wire, messageId, sentAt);
        figures.rows++;
        if (row.code === 'DSEX050') figures.invalid++;
        if (row.status === 'Success') {
          expect(row.code).toBeUndefined();
        } else {
          expect(row.code !== undefined && isCode(row.code)).toBe(true);
          if (row.code) expect(row.status).toBe(catalogueEntry(row.code).status);
          expect(row.message.startsWith(`[${row.code}] `)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(suite.harness.logs.filter((line) => line.includes('threw; the message is abandoned'))).toEqual([]);
    // The last row is written before its message is completed: wait for the queue to settle first.
    await suite.harness.settled();
    expect(suite.harness.serviceBus.stats(QUEUE)).toMatchObject({ deadLettered: 0, locked: 0, active: 0 });
    expect(unhandled).toEqual([]);
    expect(figures.rows).toBe(figures.messages);
  }, 240_000);
});
