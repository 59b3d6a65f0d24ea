import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraTokenProvider } from '../../shared/adapters/entraTokenProvider';
import { GraphCalendarGateway } from '../../shared/adapters/graphCalendarGateway';
import { MailboxLimiter } from '../../shared/adapters/mailboxLimiter';
import { buildConnector, connector } from '../../shared/connector';
import { classifyFailure } from '../../shared/domain/classifyFailure';
import type { ExchangeCredentials } from '../../shared/domain/credentials';
import { TokenEndpointError } from '../../shared/domain/failures';
import { type Sandbox, startSandbox } from '../../stand-ins/sandbox';
import { sandboxCredentials } from '../support/sandboxCredentials';

let sandbox: Sandbox;
let credentials: ExchangeCredentials;

beforeAll(async () => {
  sandbox = await startSandbox();
  credentials = sandboxCredentials(sandbox);
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('EntraTokenProvider', () => {
  it('asks Entra ID once for a burst of changes arriving together (single flight per credentials)', async () => {
    sandbox.entra.reset();
    const tokens = new EntraTokenProvider();
    const issued = await Promise.all(Array.from({ length: 8 }, () => tokens.acquireToken(credentials)));
    expect(new Set(issued).size).toBe(1);
    expect(sandbox.entra.counters.tokenRequests).toBe(1);
  });

  it('lets every waiter of a failed flight see the failure, and the next call try again', async () => {
    sandbox.entra.reset();
    const tokens = new EntraTokenProvider();
    const wrong = { ...credentials, clientSecret: 'not-the-secret' };
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => tokens.acquireToken(wrong)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(sandbox.entra.counters.tokenRequests).toBe(1);
    await expect(tokens.acquireToken(wrong)).rejects.toBeInstanceOf(TokenEndpointError);
    expect(sandbox.entra.counters.tokenRequests).toBe(2);
  });
});

describe('GraphCalendarGateway', () => {
  it('reports a token failure inside a Graph call as the token failure it is, not a network error', async () => {
    sandbox.entra.reset();
    const tokens = new EntraTokenProvider();
    const wrong = { ...credentials, clientSecret: 'rotated-away' };
    const gateway = new GraphCalendarGateway(wrong, tokens, new MailboxLimiter(4));
    const mailbox = `room1@${sandbox.tenant.domain}`;
    const thrown = await gateway.probe(mailbox).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(TokenEndpointError);
    expect(classifyFailure(thrown, { clientId: wrong.clientId }).code).toBe('DSEX002');
  });
});

describe('connector()', () => {
  const base = (overrides: Record<string, string> = {}) => ({
    ServiceBusConnection:
      'Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b;UseDevelopmentEmulator=true',
    TableStorageConnection:
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;',
    ...overrides,
  });

  const identity = {
    ServiceBusConnection__fullyQualifiedNamespace: 'sb-x.servicebus.windows.net',
    TableStorageConnection__tableServiceUri: 'https://st.table.core.windows.net',
  };

  it.each([
    [{}, 'RETRY_WINDOW_DAYS', '7'],
    [identity, 'ServiceBusConnection__clientId', 'client-a'],
    [identity, 'TableStorageConnection__clientId', 'client-b'],
    [{}, 'APPOINTMENT_QUEUE', 'other-queue'],
    [{}, 'GRAPH_REQUEST_TIMEOUT_MS', '5000'],
  ])('is rebuilt when %s changes', (connections: Record<string, string>, name, value) => {
    const env = Object.keys(connections).length > 0 ? connections : base();
    const first = connector(env);
    expect(connector({ ...env })).toBe(first);
    const rebuilt = connector({ ...env, [name]: value });
    expect(rebuilt).not.toBe(first);
    if (name === 'RETRY_WINDOW_DAYS') expect(rebuilt.settings.retryWindowDays).toBe(7);
  });

  it('closes the old Service Bus client when it is rebuilt', async () => {
    const first = connector(base({ APPOINTMENT_QUEUE: 'queue-1' }));
    first.serviceBus.createSender('queue-1');
    connector(base({ APPOINTMENT_QUEUE: 'queue-2' }));
    await expect
      .poll(() => {
        try {
          first.serviceBus.createSender('queue-1');
          return 'open';
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      })
      .toBe('The underlying AMQP connection is closed.');
  });

  it('keeps secrets redacted even when the credential settings are malformed', () => {
    const built = buildConnector(
      base({ EXCHANGE_CLIENT_ID: 'not-a-guid', EXCHANGE_CLIENT_SECRET: 'p@ss+word/1=' }),
    );
    expect(built.credentials().ok).toBe(false);
    expect(built.secrets()).toContain('p@ss+word/1=');
  });
});
