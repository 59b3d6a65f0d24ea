import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** What `npm start` wrote to `.local/endpoints.json`. */
export interface LocalEndpoints {
  readonly serviceBusConnectionString: string;
  readonly queueName: string;
  readonly backOfficeQueueName?: string;
  readonly demoTenant?: {
    readonly authorityHost: string;
    readonly graphEndpoint: string;
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: string;
  };
}

export function readLocalEndpoints(): LocalEndpoints {
  const file = resolve(__dirname, '..', '.local', 'endpoints.json');
  if (!existsSync(file))
    throw new Error('No .local/endpoints.json: start the connector first with npm start');
  return JSON.parse(readFileSync(file, 'utf8')) as LocalEndpoints;
}
