import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../shared/settingDefinitions';
import { readLocalPrincipal } from '../../shared/settings';
import { startStandIns } from '..';
import type { Sandbox } from '../sandbox';
import { demoCredentialSettings } from './demoCredentials';
import { configureDemoTenant } from './demoTenant';
import { loadFunctionDefinitions } from './functionCatalog';
import { serveHttpFunctions } from './httpRunner';
import {
  DEFAULT_STAND_INS_FILE,
  describeStandIns,
  runningStandIns,
  type StandInsDescription,
} from './joinStandIns';
import { namesRealTenant, readLocalSettings, wantsLocalStandIn } from './localSettings';
import { runQueueFunction } from './queueRunner';
import { runTimerFunction } from './timerRunner';

const root = join(__dirname, '..', '..');

export interface LocalHostOptions {
  readonly port?: number;
  /** Stand-ins to join when they are running (default `.local/stand-ins.json`, as `npm run stand-ins` writes). */
  readonly standInsFile?: string;
  readonly log?: (line: string) => void;
}

interface UsedStandIns {
  readonly description: StandInsDescription;
  /** The sandbox this host started; joined stand-ins are known by their description only. */
  readonly sandbox?: Sandbox;
  /** Whether this host started them (then it stops them too) or joined running ones. */
  readonly joined: boolean;
  stop(): Promise<void>;
}

/** The running stand-ins `file` names, or stand-ins of its own (the sandbox only without real credentials). */
async function standInsFor(
  file: string,
  realTenant: boolean,
  configured: Record<string, string>,
): Promise<UsedStandIns> {
  const running = await runningStandIns(file);
  if (running) return { description: running, joined: true, stop: async () => {} };
  const standIns = await startStandIns({
    sandbox: realTenant ? false : {},
    azurite: wantsLocalStandIn(configured.TableStorageConnection) ? {} : false,
    serviceBus: wantsLocalStandIn(configured.ServiceBusConnection) ? {} : false,
  });
  if (standIns.sandbox) configureDemoTenant(standIns.sandbox);
  return {
    description: describeStandIns(standIns),
    ...(standIns.sandbox ? { sandbox: standIns.sandbox } : {}),
    joined: false,
    stop: () => standIns.stop(),
  };
}

export interface RunningLocalHost {
  readonly errorsPageUrl: string;
  readonly endpointsFile: string;
  stop(): Promise<void>;
}

/**
 * `npm start`: the stand-ins (joined when `npm run stand-ins` runs them, else its own), then every
 * registered function run as the Functions host would: queue, timer and HTTP triggers on one process.
 * Several hosts joined to the same stand-ins are several instances of the connector on one queue.
 */
export async function startLocalHost(options: LocalHostOptions = {}): Promise<RunningLocalHost> {
  const log = options.log ?? ((line: string) => console.log(line));
  const configured = readLocalSettings(join(root, 'local.settings.json'));
  const realTenant = namesRealTenant(configured);
  const standIns = await standInsFor(options.standInsFile ?? DEFAULT_STAND_INS_FILE, realTenant, configured);
  const endpoints = standIns.description;
  const demo = realTenant ? undefined : endpoints.demoTenant;
  const defaults = Object.fromEntries(
    SETTINGS.filter((s) => s.defaultValue !== undefined).map((s) => [s.name, s.defaultValue ?? '']),
  );
  const settings: Record<string, string> = {
    ...defaults,
    ...configured,
    ...(endpoints.tableConnectionString ? { TableStorageConnection: endpoints.tableConnectionString } : {}),
    ...(endpoints.serviceBusConnectionString
      ? { ServiceBusConnection: endpoints.serviceBusConnectionString }
      : {}),
    ...(demo && endpoints.authorityHost && endpoints.graphEndpoint
      ? {
          EXCHANGE_TENANT_ID: demo.tenantId,
          EXCHANGE_CLIENT_ID: demo.clientId,
          EXCHANGE_AUTHORITY_HOST: endpoints.authorityHost,
          GRAPH_ENDPOINT: endpoints.graphEndpoint,
          // Joined stand-ins are known by their description: only the demo secret is at hand then.
          ...(standIns.sandbox
            ? demoCredentialSettings(
                standIns.sandbox,
                configured.EXCHANGE_CREDENTIAL_TYPE,
                join(root, '.local'),
              )
            : { EXCHANGE_CLIENT_SECRET: demo.clientSecret }),
        }
      : {}),
  };
  Object.assign(process.env, settings);
  const definitions = loadFunctionDefinitions();
  const principal = readLocalPrincipal(settings);
  const http = await serveHttpFunctions(
    definitions.filter((d) => d.trigger === 'http'),
    {
      port: options.port ?? 7071,
      host: '127.0.0.1',
      // Signed in as App Service Authentication would sign in the configured local user.
      signIn: () => principal,
    },
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
        ...(demo ? { demoDomain: demo.domain } : {}),
        // What `npm run send -- --move-in-outlook` needs to act as the demo tenant's Outlook.
        ...(demo && endpoints.authorityHost && endpoints.graphEndpoint
          ? {
              demoTenant: {
                authorityHost: endpoints.authorityHost,
                graphEndpoint: endpoints.graphEndpoint,
                tenantId: demo.tenantId,
                clientId: demo.clientId,
                clientSecret: demo.clientSecret,
              },
            }
          : {}),
      },
      null,
      2,
    )}\n`,
  );
  log(`Functions: ${definitions.map((d) => `${d.name} (${d.trigger})`).join(', ')}`);
  if (standIns.joined)
    log(`Joined the running stand-ins of ${options.standInsFile ?? DEFAULT_STAND_INS_FILE}.`);
  log(
    realTenant
      ? 'Using the tenant configured in the settings.'
      : `Demo tenant: ${demo?.domain ?? ''} (credential: ${settings.EXCHANGE_CREDENTIAL_TYPE ?? 'secret'})`,
  );
  log(
    `Signed in as ${principal.name} (${principal.roles.join(', ') || 'no role'}): LOCAL_PRINCIPAL_NAME, LOCAL_PRINCIPAL_ROLES`,
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
