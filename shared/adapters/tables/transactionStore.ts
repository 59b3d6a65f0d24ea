import type { TableEntity } from '@azure/data-tables';
import { type Code, isCode } from '../../domain/catalogue';
import type { PendingReplay, TransactionStore } from '../../domain/ports';
import type { ResourceOutcome, TransactionOperation, TransactionRecord } from '../../domain/transaction';
import { asDate, asNumber, asString, cut, dayKey, double, key, newestFirstKey, parseJson } from './keys';
import { statusOf, type TableAccess, unlessMissing } from './tableClients';

const PENDING = 'pending';

type Entity = TableEntity<Record<string, unknown>>;

function optional<T>(name: string, value: T | undefined): Record<string, T> {
  return value === undefined ? {} : { [name]: value };
}

function codeOf(value: unknown): Code | undefined {
  return typeof value === 'string' && isCode(value) ? value : undefined;
}

function toEntity(record: TransactionRecord): Entity {
  return {
    partitionKey: key(record.transactionId),
    rowKey: '',
    TransactionId: record.transactionId,
    ChangeId: cut(record.changeId),
    AppointmentId: record.appointmentId,
    Operation: record.operation,
    ...optional('Version', record.version !== undefined ? double(record.version) : undefined),
    Status: record.status,
    ...optional('Code', record.code),
    Message: cut(record.message),
    Attempts: record.attempts,
    CreatedAt: record.createdAt,
    LastAttemptAt: record.lastAttemptAt,
    ...optional('NextAttemptAt', record.nextAttemptAt),
    ...optional(
      'WaitingOnResources',
      record.waitingOnResources ? JSON.stringify(record.waitingOnResources) : undefined,
    ),
    ...optional('NeedsManualAction', record.needsManualAction),
    ...optional('SupersededBy', record.supersededBy),
    ...optional('RawBody', record.rawBody !== undefined ? cut(record.rawBody) : undefined),
    ...optional('DurationMs', record.durationMs),
    Resources: cut(JSON.stringify(record.resources)),
  };
}

export function toRecord(entity: Record<string, unknown>): TransactionRecord {
  const version = asNumber(entity.Version);
  const code = codeOf(entity.Code);
  const nextAttemptAt = asDate(entity.NextAttemptAt);
  const waiting = parseJson<string[] | undefined>(entity.WaitingOnResources, undefined);
  const rawBody = asString(entity.RawBody);
  const supersededBy = asString(entity.SupersededBy);
  const durationMs = asNumber(entity.DurationMs);
  return {
    transactionId: asString(entity.TransactionId) ?? '',
    changeId: asString(entity.ChangeId) ?? '',
    appointmentId: asString(entity.AppointmentId) ?? '',
    operation: (asString(entity.Operation) ?? 'upsert') as TransactionOperation,
    ...optional('version', version),
    status: (asString(entity.Status) ?? 'Failed') as TransactionRecord['status'],
    ...optional('code', code),
    message: asString(entity.Message) ?? '',
    attempts: asNumber(entity.Attempts) ?? 0,
    createdAt: asDate(entity.CreatedAt) ?? new Date(0),
    lastAttemptAt: asDate(entity.LastAttemptAt) ?? new Date(0),
    resources: parseJson<ResourceOutcome[]>(entity.Resources, []),
    ...optional('nextAttemptAt', nextAttemptAt),
    ...optional('waitingOnResources', waiting),
    ...optional('needsManualAction', entity.NeedsManualAction === true ? true : undefined),
    ...optional('supersededBy', supersededBy),
    ...optional('rawBody', rawBody),
    ...optional('durationMs', durationMs),
  };
}

function failureEntity(record: TransactionRecord): Entity {
  const failed = record.resources.filter((r) => r.code !== undefined);
  return {
    partitionKey: dayKey(record.createdAt),
    rowKey: newestFirstKey(record.createdAt, record.transactionId),
    TransactionId: record.transactionId,
    AppointmentId: record.appointmentId,
    Operation: record.operation,
    Status: record.status,
    ...optional('Code', record.code),
    Message: cut(record.message),
    Attempts: record.attempts,
    CreatedAt: record.createdAt,
    LastAttemptAt: record.lastAttemptAt,
    ...optional('NextAttemptAt', record.nextAttemptAt),
    NeedsManualAction: record.needsManualAction === true,
    Resources: cut(JSON.stringify(failed.map((r) => ({ name: r.name, mailbox: r.mailbox })))),
  };
}

function pendingEntity(record: TransactionRecord, nextAttemptAt: Date): Entity {
  return {
    partitionKey: PENDING,
    rowKey: key(record.transactionId),
    TransactionId: record.transactionId,
    AppointmentId: record.appointmentId,
    ...optional('Code', record.code),
    Attempts: record.attempts,
    FirstFailedAt: record.createdAt,
    LastAttemptAt: record.lastAttemptAt,
    NextAttemptAt: nextAttemptAt,
    WaitingOnResources: JSON.stringify(record.waitingOnResources ?? []),
  };
}

function toPending(entity: Record<string, unknown>): PendingReplay {
  return {
    transactionId: asString(entity.TransactionId) ?? '',
    appointmentId: asString(entity.AppointmentId) ?? '',
    code: codeOf(entity.Code),
    attempts: asNumber(entity.Attempts) ?? 0,
    firstFailedAt: asDate(entity.FirstFailedAt) ?? new Date(0),
    lastAttemptAt: asDate(entity.LastAttemptAt) ?? new Date(0),
    nextAttemptAt: asDate(entity.NextAttemptAt) ?? new Date(0),
    waitingOnResources: parseJson<string[]>(entity.WaitingOnResources, []),
    etag: asString(entity.etag) ?? '*',
  };
}

/**
 * Transaction rows (PK = transaction id) with two indexes kept in step: `Failures` (PK = day,
 * newest first) for the Errors page and `Pending` (one partition of open, replayable rows) for the
 * retry pass. The row is written first, so a crash between writes is repaired by recording again.
 */
export class TableTransactionStore implements TransactionStore {
  constructor(private readonly tables: TableAccess) {}

  async getTransaction(transactionId: string): Promise<TransactionRecord | undefined> {
    const entity = await this.tables.read('Transactions', key(transactionId), '');
    return entity ? toRecord(entity) : undefined;
  }

  async recordTransaction(record: TransactionRecord): Promise<void> {
    await this.tables.call('Transactions', (c) => c.upsertEntity(toEntity(record), 'Replace'));
    const failure = failureEntity(record);
    if (record.status === 'Success') {
      await this.deleteIfPresent('Failures', failure.partitionKey, failure.rowKey);
    } else {
      await this.tables.call('Failures', (c) => c.upsertEntity(failure, 'Replace'));
    }
    if (record.nextAttemptAt) {
      const pending = pendingEntity(record, record.nextAttemptAt);
      await this.tables.call('Pending', (c) => c.upsertEntity(pending, 'Replace'));
    } else {
      await this.deleteIfPresent('Pending', PENDING, key(record.transactionId));
    }
  }

  async listPending(): Promise<PendingReplay[]> {
    const client = await this.tables.client('Pending');
    const pending: PendingReplay[] = [];
    const pages = client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${PENDING}'` } })
      .byPage({ maxPageSize: 1000 });
    for await (const page of pages) {
      this.tables.countPage(page.length);
      for (const entity of page) pending.push(toPending(entity));
    }
    return pending;
  }

  async claimPending(entry: PendingReplay, nextAttemptAt: Date): Promise<boolean> {
    try {
      await this.tables.call('Pending', (c) =>
        c.updateEntity(
          { partitionKey: PENDING, rowKey: key(entry.transactionId), NextAttemptAt: nextAttemptAt },
          'Merge',
          { etag: entry.etag },
        ),
      );
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return false;
      throw error;
    }
  }

  private async deleteIfPresent(
    table: 'Failures' | 'Pending',
    partitionKey: string,
    rowKey: string,
  ): Promise<void> {
    await unlessMissing(this.tables.call(table, (c) => c.deleteEntity(partitionKey, rowKey)));
  }
}
