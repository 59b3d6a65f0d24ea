import type {
  AppointmentStore,
  FailureIndex,
  MappingStore,
  ResourceStore,
  TransactionStore,
} from '../../domain/ports';
import type { ServiceConnection } from '../../settings';
import { TableFailureIndex } from './failureIndex';
import { TableAppointmentStore, TableMappingStore, TableResourceStore } from './stateStores';
import { TableAccess } from './tableClients';
import { TableTransactionStore } from './transactionStore';

export interface TableStores {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  readonly mappings: MappingStore;
  readonly resources: ResourceStore;
  readonly failures: FailureIndex;
  /** Table operations made so far (each call or listing page), for the benchmarks. */
  operationCount(): number;
  /** Entities read so far (point reads and listing pages), for the benchmarks. */
  entityReads(): number;
}

export function createTableStores(
  connection: ServiceConnection,
  options: { tablePrefix?: string } = {},
): TableStores {
  const tables = new TableAccess(connection, options.tablePrefix ?? '');
  return {
    transactions: new TableTransactionStore(tables),
    appointments: new TableAppointmentStore(tables),
    mappings: new TableMappingStore(tables),
    resources: new TableResourceStore(tables),
    failures: new TableFailureIndex(tables),
    operationCount: () => tables.operations,
    entityReads: () => tables.entitiesRead,
  };
}
