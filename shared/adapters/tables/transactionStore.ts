import { odata } from '@azure/data-tables';
import type { PendingReplay, TransactionStore } from '../../domain/ports';
import type { TransactionRecord } from '../../domain/transaction';
import { failureEntry, failureKeys } from './failureEntry';
import { encodeKey } from './keys';
import {
  appointmentPrefix,
  PENDING_PARTITION,
  pendingEntry,
  pendingReplay,
  pendingRowKey,
} from './pendingEntry';
import { statusOf, unlessMissing } from './restErrors';
import type { TableAccess, TableName } from './tableClients';
import { transactionRecord, transactionRow } from './transactionRow';

/**
 * Transaction rows with two indexes kept in step: `Failures` for the Errors page and `Pending` for
 * the retry pass. The row is written first and each index write is an idempotent upsert or delete
 * derived from the record alone, so recording the same record again repairs a crash in between.
 */
export class TableTransactionStore implements TransactionStore {
  constructor(private readonly tables: TableAccess) {}

  async getTransaction(transactionId: string): Promise<TransactionRecord | undefined> {
    const entity = await this.tables.read('Transactions', encodeKey(transactionId), '');
    return entity ? transactionRecord(entity) : undefined;
  }

  async recordTransaction(record: TransactionRecord, previous?: TransactionRecord | null): Promise<void> {
    await this.tables.call('Transactions', (client) =>
      client.upsertEntity(transactionRow(record), 'Replace'),
    );
    // The row is written before its index entries, so a change with no earlier row has none to remove.
    const neverRecorded = previous === null;
    const failureWrite =
      record.status === 'Success'
        ? neverRecorded
          ? undefined
          : this.deleteIfPresent('Failures', failureKeys(record))
        : this.tables.call('Failures', (client) => client.upsertEntity(failureEntry(record), 'Replace'));
    const { nextAttemptAt } = record;
    const pendingWrite = nextAttemptAt
      ? this.tables.call('Pending', (client) =>
          client.upsertEntity(pendingEntry(record, nextAttemptAt), 'Replace'),
        )
      : neverRecorded
        ? undefined
        : this.deleteIfPresent('Pending', {
            partitionKey: PENDING_PARTITION,
            rowKey: pendingRowKey(record.appointmentId, record.transactionId),
          });
    await Promise.all([failureWrite, pendingWrite]);
  }

  async listPending(appointmentId?: string): Promise<PendingReplay[]> {
    const prefix = appointmentId === undefined ? undefined : appointmentPrefix(appointmentId);
    // `}` sorts right after `|`: the range holds exactly the keys that start with the prefix.
    const filter = prefix
      ? odata`PartitionKey eq ${PENDING_PARTITION} and RowKey gt ${prefix} and RowKey lt ${`${prefix.slice(0, -1)}}`}`
      : odata`PartitionKey eq ${PENDING_PARTITION}`;
    const entities = await this.tables.all('Pending', { filter });
    return entities.map(pendingReplay);
  }

  async claimPending(
    entry: PendingReplay,
    nextAttemptAt: Date,
    attempts = entry.attempts + 1,
    replayClaim = '',
  ): Promise<boolean> {
    const claim = {
      partitionKey: PENDING_PARTITION,
      rowKey: pendingRowKey(entry.appointmentId, entry.transactionId),
      NextAttemptAt: nextAttemptAt,
      Attempts: attempts,
      ReplayClaim: replayClaim,
    };
    try {
      await this.tables.call('Pending', (client) =>
        client.updateEntity(claim, 'Merge', { etag: entry.etag }),
      );
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return false;
      throw error;
    }
  }

  private async deleteIfPresent(
    table: TableName,
    keys: { partitionKey: string; rowKey: string },
  ): Promise<void> {
    await unlessMissing(
      this.tables.call(table, (client) => client.deleteEntity(keys.partitionKey, keys.rowKey)),
    );
  }
}
