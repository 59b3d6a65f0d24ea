import { setTimeout as delay } from 'node:timers/promises';
import { statusOf } from './restErrors';
import type { Entity, TableAccess, TableName } from './tableClients';

/** Rounds of read-then-write before a lost race is reported; each round one writer wins. */
const MAX_ROUNDS = 10;
/** Losers wait a random part of this before reading again, so they do not collide in step. */
const CONFLICT_JITTER_MS = 20;

export interface ConditionalSave {
  readonly table: TableName;
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly properties: Entity;
  /** Whether these properties may replace the stored entity (equal counts as newer: a redelivery). */
  readonly supersedes: (stored: Entity) => boolean;
}

/**
 * Saves an entity unless the stored one is newer: insert when absent, replace under the read ETag
 * otherwise, and decide again when another writer got in between (409 on insert, 412 on replace).
 * Answers whether it saved; rethrows the last conflict when the rounds run out.
 */
export async function saveIfNewer(tables: TableAccess, save: ConditionalSave): Promise<boolean> {
  const entity = { partitionKey: save.partitionKey, rowKey: save.rowKey, ...save.properties };
  for (let round = 1; ; round++) {
    const stored = await tables.read(save.table, save.partitionKey, save.rowKey);
    if (stored && !save.supersedes(stored)) return false;
    try {
      await tables.call(save.table, (client) =>
        stored
          ? client.updateEntity(entity, 'Replace', { etag: String(stored.etag) })
          : client.createEntity(entity),
      );
      return true;
    } catch (error) {
      const status = statusOf(error);
      if ((status !== 409 && status !== 412) || round >= MAX_ROUNDS) throw error;
      await delay(Math.random() * CONFLICT_JITTER_MS);
    }
  }
}
