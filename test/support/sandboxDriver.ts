import type { GraphFailure, Sandbox } from '../../stand-ins/sandbox';
import { eventually } from './eventually';

/** The failures the tests provoke at one mailbox, named after what Graph answers. */
export type GraphFailureKind =
  | 'unauthorized'
  | 'accessDenied'
  | 'invalidUser'
  | 'notEnabled'
  | 'serverError'
  | 'unavailable'
  | 'gatewayTimeout'
  | 'throttled'
  | 'reset'
  | 'unexpected';

const FAILURES: Readonly<Record<GraphFailureKind, GraphFailure>> = {
  unauthorized: 'unauthorized',
  accessDenied: 'accessDenied',
  invalidUser: 'invalidUser',
  notEnabled: 'mailboxNotEnabled',
  serverError: 'serverError',
  unavailable: 'unavailable',
  gatewayTimeout: 'gatewayTimeout',
  throttled: 'throttled',
  reset: 'reset',
  unexpected: {
    status: 400,
    code: 'ErrorInvalidRequest',
    message: 'The request is invalid for an unknown reason.',
  },
};

/** What the end-to-end tests ask of the Entra ID + Graph sandbox, in their own words. */
export interface SandboxDriver {
  reset(): void;
  events(mailbox: string): Array<{ id: string; subject: string }>;
  deleteInOutlook(mailbox: string, eventId: string): void;
  eventsWithTransactionId(mailbox: string, transactionId: string): number;
  latency(mailbox: string, ms: number): void;
  /** Resolves once a request with this method to the mailbox has arrived (even if still in flight). */
  waitForRequest(mailbox: string, method: string, timeoutMs?: number): Promise<void>;
  mailboxFails(mailbox: string, kind: GraphFailureKind, times?: number): void;
  requestsTo(mailbox: string): number;
  tokenRequests(): number;
  /** A secret of the demo app that Entra ID answers with AADSTS7000222. */
  expiredSecret(): string;
  /** A new working secret of the demo app, or `value` made one (a fresh MSAL application, so no cached token). */
  freshSecret(value?: string): string;
  /** The client id of an app registration that is disabled (AADSTS7000112). */
  disabledClientId(): string;
  entraFails(kind: '429' | '503' | 'hang'): void;
}

export function sandboxDriver(sandbox: Sandbox): SandboxDriver {
  const { entra, graph } = sandbox;
  return {
    reset() {
      graph.reset();
      entra.reset();
    },
    events: (mailbox) => graph.events(mailbox).map((event) => ({ id: event.id, subject: event.subject })),
    deleteInOutlook(mailbox, eventId) {
      if (!graph.deleteInOutlook(mailbox, eventId)) throw new Error(`no event ${eventId} in ${mailbox}`);
    },
    eventsWithTransactionId: (mailbox, transactionId) => graph.counters.eventsCreated(mailbox, transactionId),
    latency: (mailbox, ms) => graph.setMailboxLatency(mailbox, ms),
    async waitForRequest(mailbox, method, timeoutMs = 10_000) {
      await eventually(
        `a ${method} request to ${mailbox} arrived`,
        () => graph.counters.requestLog(mailbox).some((entry) => entry.method === method),
        timeoutMs,
      );
    },
    mailboxFails: (mailbox, kind, times) =>
      graph.failMailbox(mailbox, FAILURES[kind], {
        ...(times !== undefined ? { times } : {}),
        retryAfterSeconds: 1,
      }),
    requestsTo: (mailbox) => graph.counters.requests(mailbox),
    tokenRequests: () => entra.counters.tokenRequests,
    expiredSecret() {
      const secret = entra.addSecret();
      entra.expireSecret(secret);
      return secret;
    },
    freshSecret: (value) => entra.addSecret(undefined, value),
    disabledClientId() {
      const app = entra.registerApp('Disabled Exchange connector');
      entra.setAppDisabled(true, app.clientId);
      return app.clientId;
    },
    entraFails: (kind) => entra.fail(kind === '429' ? 'throttled' : kind === '503' ? 'unavailable' : 'hang'),
  };
}
