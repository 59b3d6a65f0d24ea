import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../shared/settings';
import { type StandIns, startStandIns } from '..';
import { demoCredentialSettings } from './demoCredentials';
import { configureDemoTenant, demoTenantAccess } from './demoTenant';
import { loadFunctionDefinitions } from './functionCatalog';
import { serveHttpFunctions } from './httpRunner';
import { namesRealTenant, readLocalSettings, wantsLocalStandIn } from './localSettings';
import { runQueueFunction } from './queueRunner';
import { runTimerFunction } from './timerRunner';

const root = join(__dirname, '..', '..');

export interface LocalHostOptions {
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export interface RunningLocalHost {
  readonly errorsPageUrl: string;
  readonly endpointsFile: string;
  stop(): Promise<void>;
}

/**
 * `npm start`: the stand-ins (the sandbox only without real credentials), then every registered
 * function run as the Functions host would: queue, timer and HTTP triggers on one process.
 */
export async function startLocalHost(options: LocalHostOptions = {}): Promise<RunningLocalHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const configured = readLocalSettings(join(root, 'local.settings.json'));
  const realTenant = namesRealTenant(configured);
  const standIns: StandIns = await startStandIns({
    sandbox: realTenant ? false : {},
    azurite: wantsLocalStandIn(configured.TableStorageConnection) ? {} : false,
    serviceBus: wantsLocalStandIn(configured.ServiceBusConnection) ? {} : false,
  });
  const demo = standIns.sandbox;
  if (demo) configureDemoTenant(demo);
  const defaults = Object.fromEntries(
    SETTINGS.filter((s) => s.defaultValue !== undefined).map((s) => [s.name, s.defaultValue ?? '']),
  );
  const settings: Record<string, string> = {
    ...defaults,
    ...configured,
    ...(standIns.endpoints.tableConnectionString
      ? { TableStorageConnection: standIns.endpoints.tableConnectionString }
      : {}),
    ...(standIns.endpoints.serviceBusConnectionString
      ? { ServiceBusConnection: standIns.endpoints.serviceBusConnectionString }
      : {}),
    ...(demo
      ? {
          EXCHANGE_TENANT_ID: demo.tenant.tenantId,
          EXCHANGE_CLIENT_ID: demo.tenant.clientId,
          EXCHANGE_AUTHORITY_HOST: demo.authorityHost,
          GRAPH_ENDPOINT: demo.graphEndpoint,
          ...demoCredentialSettings(demo, configured.EXCHANGE_CREDENTIAL_TYPE, join(root, '.local')),
        }
      : {}),
  };
  Object.assign(process.env, settings);
  const definitions = loadFunctionDefinitions();
  const http = await serveHttpFunctions(
    definitions.filter((d) => d.trigger === 'http'),
    { port: options.port ?? Number(process.env.PORT ?? 7071), host: '127.0.0.1' },
  );
  // The demo tenant's sandbox posts Graph's notifications to this host's webhook (two-way sync).
  if (demo && !configured.GRAPH_WEBHOOK_BASE_URL) {
    settings.GRAPH_WEBHOOK_BASE_URL = http.url;
    settings.GRAPH_CLIENT_STATE = configured.GRAPH_CLIENT_STATE ?? randomBytes(24).toString('base64url');
    // A short wait, so the demo shows an Outlook move on the back-office queue within seconds.
    settings.NOTIFICATION_DELAY_SECONDS = configured.NOTIFICATION_DELAY_SECONDS ?? '2';
    Object.assign(process.env, settings);
  }

  const functionLog = (name: string) => (level: string, args: unknown[]) =>
    log(`[${name}] ${level}: ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}`);
  const stops: Array<() => Promise<void>> = [() => http.stop()];
  for (const definition of definitions) {
    if (definition.trigger === 'serviceBusQueue') {
      const queue = await runQueueFunction(definition, { onLog: functionLog(definition.name) });
      stops.push(() => queue.stop());
    } else if (definition.trigger === 'timer') {
      const timer = runTimerFunction(definition, { onLog: functionLog(definition.name) });
      stops.push(() => timer.stop());
    }
  }

  const errorsPageUrl = `${http.url}/${http.routePrefix}/errors-page`;
  const endpointsFile = join(root, '.local', 'endpoints.json');
  mkdirSync(join(root, '.local'), { recursive: true });
  writeFileSync(
    endpointsFile,
    `${JSON.stringify(
      {
        errorsPageUrl,
        serviceBusConnectionString: settings.ServiceBusConnection,
        tableConnectionString: settings.TableStorageConnection,
        queueName: settings.APPOINTMENT_QUEUE,
        backOfficeQueueName: settings.BACKOFFICE_CHANGES_QUEUE,
        ...(demo ? { demoDomain: demo.tenant.domain, demoTenant: demoTenantAccess(demo) } : {}),
      },
      null,
      2,
    )}\n`,
  );
  log(`Functions: ${definitions.map((d) => `${d.name} (${d.trigger})`).join(', ')}`);
  log(
    realTenant
      ? 'Using the tenant configured in the settings.'
      : `Demo tenant: ${demo?.tenant.domain ?? ''} (credential: ${settings.EXCHANGE_CREDENTIAL_TYPE ?? 'secret'})`,
  );
  log(`Errors page: ${errorsPageUrl}`);
  return {
    errorsPageUrl,
    endpointsFile,
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await standIns.stop();
    },
  };
}
