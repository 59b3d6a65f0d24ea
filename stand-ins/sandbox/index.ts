import { CalendarDelta } from './calendarDelta';
import { Calendars } from './calendars';
import { ensureCertificateAuthority, serverCertificate } from './certificates';
import { issuerOf } from './clientAssertions';
import { EntraCounters, GraphCounters } from './counters';
import { Directory } from './directory';
import { type EntraControls, entraControls } from './entraControls';
import { type EntraState, entraRequestHandler } from './entraServer';
import { type GraphControls, graphControls } from './graphControls';
import { graphRequestHandler } from './graphServer';
import type { GraphState } from './graphState';
import { listenHttps, type RunningHttpsServer } from './httpsServer';
import { IssuerKeys } from './issuerKeys';
import { MailboxLimits } from './limits';
import { type ManagedIdentityControls, managedIdentityControls } from './managedIdentityControls';
import { listenManagedIdentity, newManagedIdentityState } from './managedIdentityServer';
import { Notifier } from './notifier';
import { Pauses } from './pauses';
import { Scenarios } from './scenarios';
import { Subscriptions } from './subscriptions';
import { AccessTokens } from './tokens';
import { Users } from './users';

export type { CalendarEvent } from './calendars';
export type { ClientCertificateFiles } from './clientCertificates';
export type {
  EntraCounterReadings,
  GraphCounterReadings,
  GraphCounterSummary,
  RequestLogEntry,
  ThrottleReason,
  TokenOutcome,
} from './counters';
export type { AppCredentials } from './directory';
export type { EntraControls, EntraFailureOptions } from './entraControls';
export type { EntraFailureKind, EntraRejection } from './entraErrors';
export type { GraphControls, MailboxFailureOptions } from './graphControls';
export type { CustomGraphFailure, GraphFailure, GraphFailureKind, RecordedGraphFailure } from './graphErrors';
export type { ManagedIdentityControls } from './managedIdentityControls';
export type { Delivery } from './notifier';
export type { OutlookControls } from './outlookControls';
export type { RecordedAnswer } from './recordedAnswer';
export type { LifecycleEvent, Subscription } from './subscriptions';

export interface SandboxOptions {
  /** Entra ID's port; 0/absent = a free one. */
  port?: number;
  /** Graph's port; 0/absent = a free one. */
  graphPort?: number;
  /** Where the CA lives (default `<repo>/.local/sandbox-ca`, the one the test setup trusts). */
  caDir?: string;
  /** Added to every Graph response (default 0). */
  latencyMs?: number;
  /** Requests per app per mailbox per window (default 10,000). */
  requestsPerWindow?: number;
  /** Default 600,000 (10 minutes). */
  windowMs?: number;
  /** Requests in flight per app per mailbox (default 4). */
  maxConcurrentPerMailbox?: number;
  /** Default 3599. */
  tokenLifetimeSeconds?: number;
  /** Entries kept in the Graph request log (default 10,000). */
  requestLogSize?: number;
  /** The demo app's secret (default: a new one shaped like Entra's, `xxx8Q~…`). */
  demoClientSecret?: string;
}

export interface Sandbox {
  /** e.g. https://localhost:<port> */
  readonly authorityHost: string;
  /** e.g. https://localhost:<graphPort> (the client appends /v1.0) */
  readonly graphEndpoint: string;
  readonly caCertPath: string;
  /** A demo tenant that works out of the box. */
  readonly tenant: { tenantId: string; domain: string; clientId: string; clientSecret: string };
  readonly entra: EntraControls;
  readonly graph: GraphControls;
  /** App Service's managed identity endpoint, for the federated credential. */
  readonly managedIdentity: ManagedIdentityControls;
  /** Closes both servers and every connection (hung ones included); leaves no timer behind. */
  stop(): Promise<void>;
}

/**
 * Starts Microsoft Entra ID and Microsoft Graph stand-ins (two HTTPS servers on loopback) and App
 * Service's managed identity endpoint (HTTP on loopback, as in Azure).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ca = await ensureCertificateAuthority(options.caDir);
  const certificate = serverCertificate(ca);
  const directory = new Directory(undefined, options.demoClientSecret);
  const tokens = new AccessTokens();
  const pauses = new Pauses();
  const issuerKeys = new IssuerKeys();
  const entraState: EntraState = {
    directory,
    tokens,
    counters: new EntraCounters(),
    failures: new Scenarios(),
    pauses,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    assertions: { issuerKeys, caCertPath: ca.caCertPath, clockSkewMs: 0, authorityHost: '' },
    authorityHost: '',
    graphEndpoint: '',
  };
  const calendars = new Calendars();
  const subscriptions = new Subscriptions();
  const notifier = new Notifier();
  calendars.journal.onChange((mailbox, eventId, change) => {
    const changeKey = calendars.get(mailbox, eventId)?.changeKey ?? '';
    notifier.notifyChange(subscriptions.list(mailbox), eventId, change, `W/"${changeKey}"`);
  });
  const graphState: GraphState = {
    tokens,
    users: new Users(directory),
    calendars,
    subscriptions,
    notifier,
    delta: new CalendarDelta(calendars, () => graphState.graphEndpoint),
    limits: new MailboxLimits({
      requestsPerWindow: options.requestsPerWindow ?? 10_000,
      windowMs: options.windowMs ?? 600_000,
      maxConcurrent: options.maxConcurrentPerMailbox ?? 4,
    }),
    counters: new GraphCounters(options.requestLogSize ?? 10_000),
    failures: new Scenarios(),
    mailboxLatencyMs: new Map(),
    pauses,
    latencyMs: options.latencyMs ?? 0,
    graphEndpoint: '',
  };
  const identityState = newManagedIdentityState(issuerKeys, pauses);
  const servers: Array<Pick<RunningHttpsServer, 'close'>> = [];
  const stop = async () => {
    pauses.stop();
    await notifier.settled();
    await Promise.all(servers.map((server) => server.close()));
  };
  let identityEndpoint = '';
  try {
    servers.push(await listenHttps(certificate, options.port ?? 0, entraRequestHandler(entraState)));
    servers.push(await listenHttps(certificate, options.graphPort ?? 0, graphRequestHandler(graphState)));
    const identityServer = await listenManagedIdentity(identityState);
    servers.push(identityServer);
    identityEndpoint = identityServer.endpoint;
  } catch (error) {
    await stop();
    throw error;
  }
  const [entraServer, graphServer] = servers as [RunningHttpsServer, RunningHttpsServer];
  entraState.authorityHost = entraServer.origin;
  entraState.assertions.authorityHost = entraServer.origin;
  identityState.issuer = issuerOf(entraState.assertions, directory.tenant);
  identityState.tenantId = directory.tenant.tenantId;
  entraState.graphEndpoint = graphServer.origin;
  graphState.graphEndpoint = graphServer.origin;
  const demo = directory.demoApp;
  return {
    authorityHost: entraServer.origin,
    graphEndpoint: graphServer.origin,
    caCertPath: ca.caCertPath,
    tenant: {
      tenantId: directory.tenant.tenantId,
      domain: directory.tenant.domain,
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
    },
    entra: entraControls(entraState, ca),
    graph: graphControls(graphState),
    managedIdentity: managedIdentityControls(identityState, identityEndpoint),
    stop,
  };
}
