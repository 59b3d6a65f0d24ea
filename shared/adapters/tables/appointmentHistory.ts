import { odata, type TableEntity } from '@azure/data-tables';
import type { AppointmentHistory, HistoryRow } from '../../domain/appointmentHistory';
import type { TransactionRecord } from '../../domain/transaction';
import { encodeKey } from './keys';
import type { Entity, TableAccess } from './tableClients';
import { sharedColumns, sharedFields } from './transactionRow';

/**
 * The `AppointmentHistory` entry of a record: PK = appointment, RK = creation time (ISO 8601, so the
 * partition reads oldest first) and transaction. createdAt never changes, so neither does the key.
 */
export function historyEntry(record: TransactionRecord): TableEntity<Entity> {
  return {
    partitionKey: encodeKey(record.appointmentId),
    rowKey: `${record.createdAt.toISOString()}_${encodeKey(record.transactionId)}`,
    ...sharedColumns(record),
  };
}

/** Every row of one appointment from its own partition: one query, never a scan of Transactions. */
export class TableAppointmentHistory implements AppointmentHistory {
  constructor(private readonly tables: TableAccess) {}

  async listHistory(appointmentId: string, limit: number): Promise<{ rows: HistoryRow[]; more: boolean }> {
    const filter = odata`PartitionKey eq ${encodeKey(appointmentId)}`;
    const page = await this.tables.page('AppointmentHistory', { filter }, limit + 1);
    const rows = page.entities.slice(0, limit).map(sharedFields);
    return { rows, more: page.entities.length > limit || page.continuationToken !== undefined };
  }
}
