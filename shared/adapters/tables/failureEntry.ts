import type { TableEntity } from '@azure/data-tables';
import type { FailureSummary } from '../../domain/ports';
import type { TransactionRecord } from '../../domain/transaction';
import { asBoolean, jsonProperties, readJsonProperties } from './entityValues';
import { dayKey, newestFirstRowKey } from './keys';
import type { Entity } from './tableClients';
import { sharedColumns, sharedFields } from './transactionRow';

/** Where a record's Failures entry lives; createdAt never changes, so neither does the key. */
export function failureKeys(record: TransactionRecord): { partitionKey: string; rowKey: string } {
  return {
    partitionKey: dayKey(record.createdAt),
    rowKey: newestFirstRowKey(record.createdAt, record.transactionId),
  };
}

/** The Errors page line of a record that is not Success: PK = UTC day, RK = newest first. */
export function failureEntry(record: TransactionRecord): TableEntity<Entity> {
  const failedResources = record.resources
    .filter((resource) => resource.status !== 'Success')
    .map((resource) => ({ name: resource.name, mailbox: resource.mailbox }));
  return {
    ...failureKeys(record),
    ...sharedColumns(record),
    NeedsManualAction: record.needsManualAction === true,
    ...jsonProperties('Resources', failedResources),
  };
}

export function failureSummary(entity: Entity): FailureSummary {
  return {
    ...sharedFields(entity),
    needsManualAction: asBoolean(entity.NeedsManualAction) ?? false,
    resources: readJsonProperties<FailureSummary['resources']>(entity, 'Resources', []),
  };
}
