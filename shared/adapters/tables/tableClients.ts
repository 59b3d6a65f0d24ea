import { RestError, TableClient } from '@azure/data-tables';
import type { ServiceConnection } from '../../settings';
import { azureCredential } from '../azureCredential';

export const TABLES = [
  'Transactions',
  'Failures',
  'Pending',
  'Appointments',
  'Mappings',
  'Resources',
] as const;
export type TableName = (typeof TABLES)[number];

/** Table clients for one storage account, each table created on first use, every call counted. */
export class TableAccess {
  private readonly clients = new Map<TableName, Promise<TableClient>>();
  operations = 0;
  /** Entities returned by point reads and listings. */
  entitiesRead = 0;

  constructor(
    private readonly connection: ServiceConnection,
    private readonly prefix = '',
  ) {}

  /** Runs one service call against a table and counts it. */
  async call<T>(table: TableName, operation: (client: TableClient) => Promise<T>): Promise<T> {
    const client = await this.client(table);
    this.operations++;
    return operation(client);
  }

  /** Counts one page of a listing and the entities it returned. */
  countPage(entities: number): void {
    this.operations++;
    this.entitiesRead += entities;
  }

  /** A point read: the entity, or undefined when it does not exist. */
  async read(
    table: TableName,
    partitionKey: string,
    rowKey: string,
  ): Promise<Record<string, unknown> | undefined> {
    const entity = await unlessMissing(
      this.call(table, (c) => c.getEntity<Record<string, unknown>>(partitionKey, rowKey)),
    );
    if (entity) this.entitiesRead++;
    return entity;
  }

  client(table: TableName): Promise<TableClient> {
    let client = this.clients.get(table);
    if (!client) {
      client = this.create(`${this.prefix}${table}`);
      client.catch(() => this.clients.delete(table));
      this.clients.set(table, client);
    }
    return client;
  }

  private async create(name: string): Promise<TableClient> {
    const client =
      this.connection.kind === 'connectionString'
        ? TableClient.fromConnectionString(this.connection.connectionString, name, {
            allowInsecureConnection: /TableEndpoint=http:\/\/|UseDevelopmentStorage=true/i.test(
              this.connection.connectionString,
            ),
          })
        : new TableClient(
            this.connection.endpoint,
            name,
            azureCredential(this.connection.managedIdentityClientId),
          );
    try {
      this.operations++;
      await client.createTable();
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    return client;
  }
}

export function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/** Answers undefined for 404, rethrows anything else. */
export async function unlessMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
