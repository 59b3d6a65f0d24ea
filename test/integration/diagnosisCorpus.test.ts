import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraTokenProvider } from '../../shared/adapters/entraTokenProvider';
import { GraphCalendarGateway } from '../../shared/adapters/graphCalendarGateway';
import { MailboxLimiter } from '../../shared/adapters/mailboxLimiter';
import { type Code, isCode } from '../../shared/domain/catalogue';
import { classifyFailure, type FailureContext } from '../../shared/domain/classifyFailure';
import type { SecretCredentials } from '../../shared/domain/credentials';
import type { DiagnosedFailure } from '../../shared/domain/failures';
import { readExchangeCredentials } from '../../shared/settings';
import { type RecordedAnswer, type Sandbox, startSandbox } from '../../stand-ins/sandbox';
import { sandboxCredentials } from '../support/sandboxCredentials';
import { federatedIdentity, tenantSettings } from '../support/secretlessSandbox';

/** One recorded answer and the code the catalogue prescribes for it (see the fixtures' `about`). */
interface CorpusEntry {
  readonly id: string;
  readonly source: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly text?: string;
  readonly expected: string;
  /** Labelled with a reason; the entry must land on one of the acceptable codes. */
  readonly ambiguous?: { readonly reason: string; readonly acceptable: readonly string[] };
  readonly retryAfterMs?: number;
  readonly conditionalAccess?: boolean;
  /** The Graph call that got the answer. */
  readonly call?: string;
}

const GRAPH_CALLS = ['create', 'update', 'delete', 'probe'] as const;
type GraphCall = (typeof GRAPH_CALLS)[number];

const EVENT = {
  subject: 'Corpus replay',
  body: { contentType: 'text' as const, content: '' },
  start: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' },
  end: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
  location: { displayName: '' },
  isAllDay: false,
  showAs: 'busy' as const,
};

let sandbox: Sandbox;
let credentials: SecretCredentials;
/** Graph calls share one token provider (its token is cached) and so one connection pool. */
let graphTokens: EntraTokenProvider;

beforeAll(async () => {
  sandbox = await startSandbox();
  credentials = sandboxCredentials(sandbox);
  graphTokens = new EntraTokenProvider();
});

afterAll(async () => {
  await sandbox?.stop();
});

function recorded(entry: CorpusEntry): RecordedAnswer {
  const body = entry.json !== undefined ? JSON.stringify(entry.json) : (entry.text ?? '');
  return { status: entry.status, headers: entry.headers, body };
}

async function failureOf(attempt: Promise<unknown>, context: FailureContext): Promise<DiagnosedFailure> {
  const thrown = await attempt.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (thrown === undefined) throw new Error('the recorded answer did not fail the call');
  return classifyFailure(thrown, context);
}

/** A fresh MSAL application per entry: MSAL remembers a 429/5xx and would hold the next request back. */
function replayEntra(entry: CorpusEntry): Promise<DiagnosedFailure> {
  sandbox.entra.answerWith(recorded(entry), { times: 1 });
  return failureOf(new EntraTokenProvider({ requestTimeoutMs: 5000 }).acquireToken(credentials), {
    clientId: credentials.clientId,
    tenantId: credentials.tenantId,
  });
}

/**
 * Through the managed identity endpoint, with a fresh identity each time (no cached token): the
 * answer lasts until cleared, since @azure/identity retries a 5xx once.
 */
async function replayManagedIdentity(entry: CorpusEntry): Promise<DiagnosedFailure> {
  Object.assign(process.env, sandbox.managedIdentity.environment);
  const identity = federatedIdentity(sandbox);
  const read = readExchangeCredentials({ ...tenantSettings(sandbox), ...identity.settings });
  if (!read.ok) throw new Error('managed identity credentials expected');
  sandbox.managedIdentity.fail({ recorded: recorded(entry) });
  try {
    return await failureOf(new EntraTokenProvider({ requestTimeoutMs: 5000 }).acquireToken(read.value), {
      clientId: read.value.clientId,
      tenantId: read.value.tenantId,
    });
  } finally {
    sandbox.managedIdentity.clearFailures();
  }
}

function replayGraph(entry: CorpusEntry): Promise<DiagnosedFailure> {
  const action = GRAPH_CALLS.find((call) => call === entry.call);
  if (!action) throw new Error(`${entry.id}: unknown call ${entry.call}`);
  // One mailbox per entry, so a Retry-After held for one does not delay the next.
  const mailbox = `${entry.id}@${sandbox.tenant.domain}`;
  sandbox.graph.failMailbox(mailbox, { recorded: recorded(entry) }, { times: 1 });
  const gateway = new GraphCalendarGateway(credentials, graphTokens, new MailboxLimiter(), { maxRetries: 0 });
  return failureOf(send(gateway, action, mailbox), {
    graphCall: { action, mailbox, resourceName: 'Corpus room' },
  });
}

function send(gateway: GraphCalendarGateway, action: GraphCall, mailbox: string): Promise<unknown> {
  const eventId = 'AAMkAGI2TG93AAA=';
  switch (action) {
    case 'create':
      return gateway.createEvent(mailbox, EVENT, 'corpus-transaction');
    case 'update':
      return gateway.updateEvent(mailbox, eventId, EVENT);
    case 'delete':
      return gateway.deleteEvent(mailbox, eventId);
    case 'probe':
      return gateway.probe(mailbox);
  }
}

function checkLabels(entries: readonly CorpusEntry[]): void {
  for (const entry of entries) {
    expect(isCode(entry.expected), `${entry.id} is labelled with a catalogue code`).toBe(true);
    expect(entry.source, `${entry.id} cites its source`).toMatch(/^https:\/\//);
    for (const code of entry.ambiguous?.acceptable ?? []) expect(isCode(code)).toBe(true);
  }
}

function checkDiagnosis(entry: CorpusEntry, failure: DiagnosedFailure): void {
  const where = `${entry.id} (${entry.source}): ${failure.message}`;
  if (entry.ambiguous) expect(entry.ambiguous.acceptable, where).toContain(failure.code);
  else expect(failure.code, where).toBe(entry.expected as Code);
  if (entry.expected !== 'DSUNK001') expect(failure.code, where).not.toBe('DSUNK001');
  if (entry.retryAfterMs !== undefined) expect(failure.retryAfterMs, where).toBe(entry.retryAfterMs);
  if (entry.conditionalAccess) expect(failure.message, where).toMatch(/Conditional Access policy blocks/);
  expect(failure.message).not.toContain(credentials.clientSecret);
}

function corpus(file: string): CorpusEntry[] {
  const path = join(__dirname, '..', 'fixtures', 'diagnosis', file);
  return (JSON.parse(readFileSync(path, 'utf8')) as { entries: CorpusEntry[] }).entries;
}

const corpora = [
  {
    name: 'Microsoft Entra ID token endpoint',
    entries: corpus('entra.json'),
    replay: replayEntra,
    least: 30,
  },
  { name: 'Microsoft Graph events', entries: corpus('graph.json'), replay: replayGraph, least: 30 },
  {
    name: 'App Service managed identity endpoint',
    entries: corpus('managedIdentity.json'),
    replay: replayManagedIdentity,
    least: 5,
  },
];

describe.each(corpora)('diagnosis corpus: $name', ({ entries, replay, least }) => {
  it('labels every entry with a catalogue code and cites its source', () => {
    expect(entries.length).toBeGreaterThanOrEqual(least);
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
    checkLabels(entries);
  });

  it.each(entries.map((entry) => [entry.id, entry] as const))('%s', async (_id, entry) => {
    checkDiagnosis(entry, await replay(entry));
  });
});
