import { TableClient, type TableEntityQueryOptions } from '@azure/data-tables';
import type { ServiceConnection } from '../../settings';
import { azureCredential } from '../azureCredential';
import { statusOf, unlessMissing } from './restErrors';

export type TableName =
  | 'Transactions'
  | 'Failures'
  | 'Pending'
  | 'Appointments'
  | 'Resources'
  | 'MailboxSync';

export type Entity = Record<string, unknown>;

/** Tables known to exist, by URL: each is created once per process. */
const createdTables = new Map<string, Promise<void>>();

/** How tables of one account are opened: one credential for all of them, so its token cache is shared. */
function clientFactory(connection: ServiceConnection): (table: string) => TableClient {
  if (connection.kind === 'identity') {
    const credential = azureCredential(connection.managedIdentityClientId);
    return (table) => new TableClient(connection.endpoint, table, credential);
  }
  // The SDK resolves the endpoint (TableEndpoint, DefaultEndpointsProtocol, UseDevelopmentStorage).
  const { connectionString } = connection;
  const insecure =
    new URL(TableClient.fromConnectionString(connectionString, 'probe').url).protocol === 'http:';
  return (table) =>
    TableClient.fromConnectionString(
      connectionString,
      table,
      insecure ? { allowInsecureConnection: true } : {},
    );
}

/** Table clients for one storage account; every call that reaches the service is counted. */
export class TableAccess {
  private readonly clients = new Map<TableName, Promise<TableClient>>();
  operations = 0;
  /** Entities returned by point reads and listings. */
  entitiesRead = 0;

  private readonly clientFor: (table: string) => TableClient;

  constructor(
    connection: ServiceConnection,
    private readonly prefix: string,
  ) {
    this.clientFor = clientFactory(connection);
  }

  /** Runs one service call against a table and counts it. */
  async call<T>(table: TableName, operation: (client: TableClient) => Promise<T>): Promise<T> {
    const client = await this.client(table);
    this.operations++;
    return operation(client);
  }

  /** A point read: the entity (with its `etag`), or undefined when it does not exist. */
  async read(table: TableName, partitionKey: string, rowKey: string): Promise<Entity | undefined> {
    const entity = await unlessMissing(this.call(table, (c) => c.getEntity<Entity>(partitionKey, rowKey)));
    if (entity) this.entitiesRead++;
    return entity;
  }

  /** One page of a query, resuming at `continuationToken`; counted as one operation. */
  async page(
    table: TableName,
    queryOptions: TableEntityQueryOptions,
    maxPageSize: number,
    continuationToken?: string,
  ): Promise<{ entities: Entity[]; continuationToken?: string }> {
    const client = await this.client(table);
    const pages = client
      .listEntities<Entity>({ queryOptions })
      .byPage({ maxPageSize, ...(continuationToken ? { continuationToken } : {}) });
    this.operations++;
    const { value } = await pages.next();
    const entities = value ? [...value] : [];
    this.entitiesRead += entities.length;
    return { entities, ...(value?.continuationToken ? { continuationToken: value.continuationToken } : {}) };
  }

  /** Every entity a query matches, page by page. */
  async all(table: TableName, queryOptions: TableEntityQueryOptions): Promise<Entity[]> {
    const entities: Entity[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.page(table, queryOptions, 1000, continuationToken);
      entities.push(...page.entities);
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return entities;
  }

  private client(table: TableName): Promise<TableClient> {
    let client = this.clients.get(table);
    if (!client) {
      client = this.open(`${this.prefix}${table}`);
      client.catch(() => this.clients.delete(table));
      this.clients.set(table, client);
    }
    return client;
  }

  private async open(name: string): Promise<TableClient> {
    const client = this.clientFor(name);
    const tableUrl = `${client.url}/${name}`;
    let created = createdTables.get(tableUrl);
    if (!created) {
      created = this.createTable(client);
      created.catch(() => createdTables.delete(tableUrl));
      createdTables.set(tableUrl, created);
    }
    await created;
    return client;
  }

  private async createTable(client: TableClient): Promise<void> {
    this.operations++;
    try {
      await client.createTable();
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
  }
}
