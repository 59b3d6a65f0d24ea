import { createHash } from 'node:crypto';
import { type Code, catalogueEntry } from './catalogue';
import { classifyFailure } from './classifyFailure';
import type { ExchangeChangeMessage } from './exchangeChange';
import { DiagnosedFailure, GraphRequestError } from './failures';
import type { OperationalLog, TransactionStore } from './ports';
import { redactDeep } from './redaction';
import type { TransactionRecord } from './transaction';

/** Where a two-way failure happened. */
export interface TwoWayContext {
  readonly step: 'subscribe' | 'renew' | 'delta';
  readonly mailbox: string;
  readonly clientId?: string;
  readonly tenantId?: string;
}

/** The code of a failure on the Outlook → back office path: DSEX070–062, else the usual classifier's. */
export function classifyTwoWayFailure(error: unknown, context: TwoWayContext): DiagnosedFailure {
  if (error instanceof GraphRequestError) {
    const { httpStatus, graphCode } = error.details;
    const { mailbox } = context;
    if (httpStatus === 400 && graphCode === 'ValidationError')
      return new DiagnosedFailure(
        'DSEX070',
        `Microsoft Graph could not validate the notification URL while subscribing to ${mailbox} (${error.message.replace(/^.*?: /, '')}). Check GRAPH_WEBHOOK_BASE_URL and that the webhook is reachable from the internet.`,
      );
    if (httpStatus === 403 && graphCode === 'ExtensionError')
      return new DiagnosedFailure(
        'DSEX071',
        `Microsoft Graph refused a subscription for ${mailbox}: the mailbox has reached its limit of subscriptions (403 ExtensionError).`,
      );
    if (httpStatus === 403 || httpStatus === 401)
      return new DiagnosedFailure(
        'DSEX072',
        `Microsoft Graph refused the ${context.step === 'delta' ? 'calendar delta' : 'subscription'} of ${mailbox} (${[httpStatus, graphCode].filter(Boolean).join(' ')}): the app needs Calendars.Read (application) with admin consent, and the mailbox inside its RBAC for Applications scope.`,
      );
  }
  return classifyFailure(error, {
    ...(context.clientId ? { clientId: context.clientId } : {}),
    ...(context.tenantId ? { tenantId: context.tenantId } : {}),
  });
}

export interface RowDependencies {
  readonly transactions: TransactionStore;
  readonly log: OperationalLog;
  readonly secrets: () => readonly string[];
  readonly now: () => Date;
}

function rowId(...parts: readonly string[]): string {
  return `tx-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24)}`;
}

async function write(
  deps: RowDependencies,
  record: TransactionRecord,
  previous: TransactionRecord | undefined,
) {
  const redacted = redactDeep(record, deps.secrets());
  await deps.transactions.recordTransaction(redacted, previous ?? null);
  deps.log.info('transaction', {
    transactionId: redacted.transactionId,
    appointmentId: redacted.appointmentId,
    operation: redacted.operation,
    status: redacted.status,
    code: redacted.code ?? '',
    attempts: redacted.attempts,
  });
}

/** One Success row per published change (its id follows from the message id, so a repeat rewrites it). */
export async function recordPublished(deps: RowDependencies, message: ExchangeChangeMessage): Promise<void> {
  const transactionId = rowId('exchangeChange', message.changeId);
  const previous = await deps.transactions.getTransaction(transactionId);
  const now = deps.now();
  const text = `Published "${message.change}" of the event of resource ${message.resource.id} to the back office.`;
  await write(
    deps,
    {
      transactionId,
      changeId: message.changeId,
      appointmentId: message.appointmentId,
      operation: 'exchangeChange',
      status: 'Success',
      message: text,
      attempts: (previous?.attempts ?? 0) + 1,
      createdAt: previous?.createdAt ?? now,
      lastAttemptAt: now,
      resources: [
        {
          resourceId: message.resource.id,
          name: message.resource.id,
          mailbox: message.resource.mailbox,
          action: 'none',
          status: 'Success',
          message: text,
          eventId: message.event.eventId,
        },
      ],
    },
    previous,
  );
}

/** The row of a mailbox's outcome with one code on one (UTC) day. */
export function mailboxOutcomeId(mailbox: string, code: Code, at: Date): string {
  return rowId('exchangeChange', mailbox.toLowerCase(), code, at.toISOString().slice(0, 10));
}

/**
 * One row per mailbox, code and day: a failure that repeats (every delta run, every notification with
 * a wrong clientState) counts up its Attempts instead of adding rows. Never replayed by the retry pass.
 */
export async function recordMailboxOutcome(
  deps: RowDependencies,
  mailbox: string,
  code: Code,
  message: string,
): Promise<void> {
  const now = deps.now();
  const day = now.toISOString().slice(0, 10);
  const transactionId = mailboxOutcomeId(mailbox, code, now);
  const previous = await deps.transactions.getTransaction(transactionId);
  const { status } = catalogueEntry(code);
  await write(
    deps,
    {
      transactionId,
      changeId: `exchange:${mailbox.toLowerCase()}:${code}:${day}`,
      appointmentId: '',
      operation: 'exchangeChange',
      status,
      code,
      message: `[${code}] ${message}`,
      attempts: (previous?.attempts ?? 0) + 1,
      createdAt: previous?.createdAt ?? now,
      lastAttemptAt: now,
      resources: [{ resourceId: '', name: mailbox, mailbox, action: 'none', status, code, message }],
    },
    previous,
  );
}
