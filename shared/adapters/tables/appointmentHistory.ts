import { odata } from '@azure/data-tables';
import type { AppointmentHistory, HistoryEntry, HistoryRow } from '../../domain/appointmentHistory';
import { asString, cut } from './entityValues';
import { encodeKey } from './keys';
import type { Entity, TableAccess } from './tableClients';
import { sharedFields } from './transactionRow';

/** Row keys of history entries start so; `` ` `` sorts right after `_`, closing the range. */
const PREFIX = 'history_';
const AFTER_PREFIX = 'history`';

/**
 * A history entry in its appointment's partition of `Appointments` (beside the appointment's own
 * entity, RK ''): RK = `history_` + creation time (ISO 8601, so the partition reads oldest first) +
 * transaction. It holds the key of the row, not the row: the row changes, the entry never does.
 */
export function historyEntity(entry: HistoryEntry): Entity & { partitionKey: string; rowKey: string } {
  return {
    partitionKey: encodeKey(entry.appointmentId),
    rowKey: `${PREFIX}${entry.createdAt.toISOString()}_${encodeKey(entry.transactionId)}`,
    TransactionId: cut(entry.transactionId),
  };
}

/**
 * An appointment's rows: its history entries (one query of its partition), then each row by its
 * key. An entry is written before its row, so a crash in between leaves an entry without a row
 * (skipped) or, after the redelivery, a second entry of the same row (read once).
 */
export class TableAppointmentHistory implements AppointmentHistory {
  constructor(private readonly tables: TableAccess) {}

  async listHistory(appointmentId: string, limit: number): Promise<{ rows: HistoryRow[]; more: boolean }> {
    const filter = odata`PartitionKey eq ${encodeKey(appointmentId)} and RowKey gt ${PREFIX} and RowKey lt ${AFTER_PREFIX}`;
    const page = await this.tables.page('Appointments', { filter }, limit + 1);
    const ids = [...new Set(page.entities.map((entity) => asString(entity.TransactionId) ?? ''))];
    const rows = await Promise.all(
      ids.slice(0, limit).map((id) => this.tables.read('Transactions', encodeKey(id), '')),
    );
    return {
      rows: rows.filter((row) => row !== undefined).map(sharedFields),
      more: ids.length > limit || page.continuationToken !== undefined,
    };
  }
}
