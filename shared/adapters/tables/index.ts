import type { AppointmentHistory } from '../../domain/appointmentHistory';
import type { AppointmentStore, FailureIndex, ResourceStore, TransactionStore } from '../../domain/ports';
import type { ManualReplayLog } from '../../domain/replayAudit';
import type { MailboxSyncStore } from '../../domain/twoWayPorts';
import type { UnalignedEventStore } from '../../domain/unalignedEvent';
import type { ServiceConnection } from '../../settings';
import { TableAppointmentHistory } from './appointmentHistory';
import { TableAppointmentStore } from './appointmentStore';
import { TableFailureDays } from './failureDays';
import { TableFailureIndex } from './failureIndex';
import { TableMailboxSyncStore } from './mailboxSyncStore';
import { TableManualReplayLog } from './manualReplays';
import { CachedResourceStore } from './resourceCache';
import { TableResourceStore } from './resourceStore';
import { TableAccess } from './tableClients';
import { TableTransactionStore } from './transactionStore';
import { TableUnalignedEventStore } from './unalignedEventStore';

export interface TableStores {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  readonly resources: ResourceStore;
  /** The same resource states, read at most once per 30 s each: for the change processor. */
  readonly cachedResources: ResourceStore;
  readonly failures: FailureIndex;
  /** The Errors page's chart: open failures per code per day. */
  readonly failureDays: TableFailureDays;
  readonly history: AppointmentHistory;
  readonly manualReplays: ManualReplayLog;
  readonly mailboxSync: MailboxSyncStore;
  /** Tagged events whose appointment the connector no longer knows, per resource (issue 21). */
  readonly unaligned: UnalignedEventStore;
  /** Table operations made so far (each call that reaches the service, each listing page), for benchmarks. */
  operationCount(): number;
  /** Entities read so far (point reads and listing pages), for benchmarks. */
  entityReads(): number;
}

/** The connector's Table Storage; `tablePrefix` isolates tests that share one account. */
export function createTableStores(
  connection: ServiceConnection,
  options: { tablePrefix?: string; now?: () => number } = {},
): TableStores {
  const tables = new TableAccess(connection, options.tablePrefix ?? '');
  const resources = new TableResourceStore(tables);
  return {
    transactions: new TableTransactionStore(tables),
    appointments: new TableAppointmentStore(tables),
    resources,
    cachedResources: new CachedResourceStore(resources),
    failures: new TableFailureIndex(tables, options.now),
    failureDays: new TableFailureDays(tables, options.now),
    history: new TableAppointmentHistory(tables),
    manualReplays: new TableManualReplayLog(tables),
    mailboxSync: new TableMailboxSyncStore(tables),
    unaligned: new TableUnalignedEventStore(tables),
    operationCount: () => tables.operations,
    entityReads: () => tables.entitiesRead,
  };
}
