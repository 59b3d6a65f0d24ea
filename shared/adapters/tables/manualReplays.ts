import { odata } from '@azure/data-tables';
import { MANUAL_REPLAYS_SHOWN, type ManualReplay, type ManualReplayLog } from '../../domain/replayAudit';
import { asDate, asString, cut } from './entityValues';
import { encodeKey, newestFirstRowKey } from './keys';
import type { Entity, TableAccess } from './tableClients';

/** Row keys of audit entries start so; `` ` `` sorts right after `_`, closing the range. */
const PREFIX = 'manualReplay_';
const AFTER_PREFIX = 'manualReplay`';

/**
 * Manual replays as entities of their own in the transaction's partition of `Transactions`
 * (PK = transaction id, RK = `manualReplay_` + newest first): beside the row (RK ''), which every
 * attempt replaces whole, so no attempt can overwrite an entry. Entries are only ever added.
 */
export class TableManualReplayLog implements ManualReplayLog {
  constructor(private readonly tables: TableAccess) {}

  async recordManualReplay(replay: ManualReplay): Promise<void> {
    const entity = {
      partitionKey: encodeKey(replay.transactionId),
      rowKey: `${PREFIX}${newestFirstRowKey(replay.requestedAt, replay.requestedBy.objectId)}`,
      MessageId: cut(replay.messageId),
      RequestedAt: replay.requestedAt,
      RequestedByName: cut(replay.requestedBy.name),
      RequestedByObjectId: cut(replay.requestedBy.objectId),
    };
    await this.tables.call('Transactions', (client) => client.upsertEntity(entity, 'Replace'));
  }

  async listManualReplays(transactionId: string): Promise<ManualReplay[]> {
    const filter = odata`PartitionKey eq ${encodeKey(transactionId)} and RowKey gt ${PREFIX} and RowKey lt ${AFTER_PREFIX}`;
    const { entities } = await this.tables.page('Transactions', { filter }, MANUAL_REPLAYS_SHOWN);
    return entities.map((entity: Entity) => ({
      transactionId,
      messageId: asString(entity.MessageId) ?? '',
      requestedAt: asDate(entity.RequestedAt) ?? new Date(0),
      requestedBy: {
        name: asString(entity.RequestedByName) ?? '',
        objectId: asString(entity.RequestedByObjectId) ?? '',
      },
    }));
  }
}
