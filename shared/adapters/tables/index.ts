import type {
  AppointmentStore,
  FailureIndex,
  MappingStore,
  ResourceStore,
  TransactionStore,
} from '../../domain/ports';
import type { ServiceConnection } from '../../settings';
import { TableAppointmentStore } from './appointmentStore';
import { TableFailureIndex } from './failureIndex';
import { TableMappingStore } from './mappingStore';
import { TableResourceStore } from './resourceStore';
import { TableAccess } from './tableClients';
import { TableTransactionStore } from './transactionStore';

export interface TableStores {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  readonly mappings: MappingStore;
  readonly resources: ResourceStore;
  readonly failures: FailureIndex;
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
  return {
    transactions: new TableTransactionStore(tables),
    appointments: new TableAppointmentStore(tables),
    mappings: new TableMappingStore(tables),
    resources: new TableResourceStore(tables),
    failures: new TableFailureIndex(tables, options.now),
    operationCount: () => tables.operations,
    entityReads: () => tables.entitiesRead,
  };
}
