import type { Server } from 'node:http';

/** Azurite's Table service, started in this process: in memory, no telemetry, any API version. */
export interface RunningAzurite {
  readonly port: number;
  readonly tableEndpoint: string;
  /** A full development-storage connection string for this port (`UseDevelopmentStorage=true` is fixed to 10002). */
  readonly connectionString: string;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** 0 or absent: a free port on 127.0.0.1. */
  readonly port?: number;
}

const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

interface AzuriteTableServer {
  start(): Promise<void>;
  close(): Promise<void>;
  clean(): Promise<void>;
  getHttpServerAddress(): string;
  readonly httpServer?: Server;
}
type TableServerConstructor = new (configuration: unknown) => AzuriteTableServer;
type TableConfigurationConstructor = new (...args: unknown[]) => unknown;

// Azurite ships no type declarations for its in-process API; these deep imports are its documented
// extension points (dist/src/table), narrowed to what is used here.
function loadAzurite(): {
  TableServer: TableServerConstructor;
  TableConfiguration: TableConfigurationConstructor;
} {
  const TableServer = (require('azurite/dist/src/table/TableServer') as { default: TableServerConstructor })
    .default;
  const TableConfiguration = (
    require('azurite/dist/src/table/TableConfiguration') as { default: TableConfigurationConstructor }
  ).default;
  return { TableServer, TableConfiguration };
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const { TableServer, TableConfiguration } = loadAzurite();
  const configuration = new TableConfiguration(
    '127.0.0.1',
    options.port ?? 0,
    undefined, // keepAliveTimeout: default
    ':memory:', // metadata database path, unused in memory
    false, // debug log
    false, // access log
    undefined,
    undefined,
    false, // loose
    true, // skipApiVersionCheck
    '',
    '',
    '',
    undefined, // oauth
    false, // disableProductStyleUrl
    true, // in-memory persistence
  );
  const server = new TableServer(configuration);
  await server.start();
  const address = new URL(server.getHttpServerAddress());
  const port = Number(address.port);
  const tableEndpoint = `http://127.0.0.1:${port}/${ACCOUNT}`;
  let stopped: Promise<void> | undefined;
  return {
    port,
    tableEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};TableEndpoint=${tableEndpoint};`,
    stop() {
      stopped ??= (async () => {
        server.httpServer?.closeAllConnections?.();
        await server.close();
        await server.clean();
      })();
      return stopped;
    },
  };
}
