/**
 * The fast variant of test/e2e/hostileInput.property.test.ts: the same hostile messages handed to
 * the change processor on in-memory ports that refuse what Table Storage refuses (keys the adapters'
 * rule cannot encode or over 512 characters, entities over 1 MiB, 255 properties or 64 KiB a string). For
 * every message: it resolves, with exactly one row carrying a catalogue code (or Success).
 * Fixed seed; RUNS messages (a few seconds).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogueEntry, isCode } from '../../shared/domain/catalogue';
import { parseChangeMessage } from '../../shared/domain/changeMessage';
import { transactionIdFor } from '../../shared/domain/ids';
import { hostileQueueMessage } from '../arbitraries/queueMessages';
import { core } from '../support/coreScenario';

const SEED = 13_002;
const RUNS = 1_000;

describe('hostile messages on in-memory ports (property, fixed seed)', () => {
  it(`${RUNS} messages: each resolves with exactly one row and a catalogue code`, async () => {
    const c = core();
    let rows = 0;
    await fc.assert(
      fc.asyncProperty(hostileQueueMessage('contoso.example'), async (wire) => {
        const messageId = randomUUID();
        const returned = await c.processor.process(wire, { messageId });
        const parsed = parseChangeMessage(wire);
        const asInvalid = await c.transactions.getTransaction(transactionIdFor(`message:${messageId}`));
        const own = parsed.ok
          ? await c.transactions.getTransaction(transactionIdFor(parsed.change.changeId))
          : undefined;
        expect([own, asInvalid].filter((row) => row !== undefined)).toHaveLength(1);
        const row = own ?? asInvalid;
        expect(returned?.transactionId).toBe(row?.transactionId);
        if (!row) return;
        rows++;
        if (row.code === undefined) expect(row.status).toBe('Success');
        else {
          expect(isCode(row.code)).toBe(true);
          expect(row.status).toBe(catalogueEntry(row.code).status);
          expect(row.message.startsWith(`[${row.code}] `)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(rows).toBe(RUNS);
  }, 60_000);
});
