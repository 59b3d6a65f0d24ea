import type { GraphFailure, Sandbox } from '../sandbox';

/**
 * Mailboxes of the local run's demo tenant that answer with a failure, so the samples can show each
 * outcome the connector diagnoses from Microsoft Graph. Every other address in the domain works.
 */
export const DEMO_MAILBOX_FAILURES: Readonly<Record<string, GraphFailure>> = {
  'consent-revoked': 'unauthorized',
  'access-denied': 'accessDenied',
  'invalid-user': 'invalidUser',
  'no-mailbox': 'mailboxNotEnabled',
  'graph-down': 'serverError',
  throttled: 'throttled',
  unexpected: {
    status: 400,
    code: 'ErrorInvalidRequest',
    message: 'The request is invalid for an unknown reason.',
  },
};

export function configureDemoTenant(sandbox: Sandbox): void {
  for (const [name, failure] of Object.entries(DEMO_MAILBOX_FAILURES)) {
    sandbox.graph.failMailbox(`${name}@${sandbox.tenant.domain}`, failure, { retryAfterSeconds: 60 });
  }
}

/**
 * How `npm run send -- --move-in-outlook` reaches the demo tenant's Graph, as a resource's Outlook
 * would: the sandbox's endpoints and its demo app (a sandbox secret, made at start, never a real one).
 */
export function demoTenantAccess(sandbox: Sandbox) {
  return {
    authorityHost: sandbox.authorityHost,
    graphEndpoint: sandbox.graphEndpoint,
    tenantId: sandbox.tenant.tenantId,
    clientId: sandbox.tenant.clientId,
    clientSecret: sandbox.tenant.clientSecret,
  };
}
