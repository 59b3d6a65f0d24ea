import { setTimeout as delay } from 'node:timers/promises';
import type { TransactionAction } from '@azure/data-tables';
import { statusOf } from './restErrors';
import type { Entity, TableAccess, TableName } from './tableClients';

/** Rounds of read-then-write before a lost race is reported; each round one writer wins. */
const MAX_ROUNDS = 10;
/** Losers wait a random part of this before reading again, so they do not collide in step. */
const CONFLICT_JITTER_MS = 20;

export interface EntityAddress {
  readonly table: TableName;
  readonly partitionKey: string;
  readonly rowKey: string;
}

/** The entity written under an ETag, with entities of its partition upserted in the same request. */
async function writeTogether(
  tables: TableAccess,
  table: TableName,
  entity: Entity & { partitionKey: string; rowKey: string },
  etag: string | undefined,
  alongside: readonly (Entity & { partitionKey: string; rowKey: string })[],
): Promise<string> {
  if (alongside.length === 0) {
    const response = await tables.call(table, (client) =>
      etag === undefined ? client.createEntity(entity) : client.updateEntity(entity, 'Replace', { etag }),
    );
    return response.etag ?? '';
  }
  // One entity-group transaction: one request, all of it or none (a 409 or 412 fails the whole).
  const response = await tables.call(table, (client) =>
    client.submitTransaction([
      etag === undefined ? ['create', entity] : ['update', entity, 'Replace', { etag }],
      ...alongside.map((other): TransactionAction => ['upsert', other, 'Replace']),
    ]),
  );
  return response.subResponses[0]?.etag?.trim() ?? '';
}

/**
 * Writes `decide(stored)` over the stored entity: insert when absent, replace under the read ETag
 * otherwise, and decide again on what another writer stored in between (409 on insert, 412 on
 * replace). `decide` answering undefined writes nothing. `first` is the entity already read (null:
 * known absent), which spares the first read. `alongside`: entities of the same partition upserted
 * in the same entity-group transaction. Answers what was written and its ETag, or undefined.
 */
export async function writeUnderEtag(
  tables: TableAccess,
  address: EntityAddress,
  decide: (stored: Entity | undefined) => Entity | undefined,
  first?: Entity | null,
  alongside: readonly (Entity & { partitionKey: string; rowKey: string })[] = [],
): Promise<{ properties: Entity; etag: string } | undefined> {
  const { table, partitionKey, rowKey } = address;
  for (let round = 1; ; round++) {
    const stored =
      round === 1 && first !== undefined
        ? (first ?? undefined)
        : await tables.read(table, partitionKey, rowKey);
    const properties = decide(stored);
    if (!properties) return undefined;
    const entity = { partitionKey, rowKey, ...properties };
    try {
      const etag = await writeTogether(
        tables,
        table,
        entity,
        stored ? String(stored.etag) : undefined,
        alongside,
      );
      return { properties, etag };
    } catch (error) {
      const status = statusOf(error);
      if ((status !== 409 && status !== 412) || round >= MAX_ROUNDS) throw error;
      await delay(Math.random() * CONFLICT_JITTER_MS);
    }
  }
}

export interface ConditionalSave extends EntityAddress {
  readonly properties: Entity;
  /** Whether these properties may replace the stored entity (equal counts as newer: a redelivery). */
  readonly supersedes: (stored: Entity) => boolean;
}

/** Saves an entity unless the stored one is newer; answers whether it saved. */
export async function saveIfNewer(tables: TableAccess, save: ConditionalSave): Promise<boolean> {
  const written = await writeUnderEtag(tables, save, (stored) =>
    stored && !save.supersedes(stored) ? undefined : save.properties,
  );
  return written !== undefined;
}
