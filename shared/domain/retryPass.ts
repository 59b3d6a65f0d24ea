import { catalogueEntry, type ReplayTrigger } from './catalogue';
import { classifyFailure } from './classifyFailure';
import type { ExchangeCredentials, SettingsResult } from './credentials';
import { replayMessageId } from './ids';
import type {
  AppointmentStore,
  CalendarGatewayFactory,
  OperationalLog,
  PendingReplay,
  ReplaySender,
  ResourceStore,
  TokenProvider,
  TransactionStore,
} from './ports';
import type { ReplayRequest } from './replayMessage';
import { replayRefusal } from './replayRefusal';
import { syncedNewest } from './replayTransactions';
import { isInsideWindow, nextAttemptAt } from './retryPolicy';
import type { TransactionRecord } from './transaction';
import { supersededRecord } from './transactionRecord';

export interface RetryPassDependencies {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  readonly resources: ResourceStore;
  readonly tokens: TokenProvider;
  readonly calendars: CalendarGatewayFactory;
  readonly readCredentials: () => SettingsResult<ExchangeCredentials>;
  readonly sender: ReplaySender;
  readonly log: OperationalLog;
  readonly windowDays: number;
  readonly now?: () => Date;
}

export interface RetryPassReport {
  readonly pending: number;
  readonly replayed: number;
  readonly appointments: number;
  readonly agedOut: number;
  readonly notDue: number;
  /** Rows left alone because their probe failed (no per-row calls were made). */
  readonly heldByProbe: number;
  readonly waitingOnResource: number;
  /** Rows another pass claimed first. */
  readonly lostClaims: number;
  readonly probes: Readonly<Partial<Record<'token probe' | 'graph probe', 'passed' | 'failed'>>>;
}

export class ReplayNotPossibleError extends Error {
  override readonly name = 'ReplayNotPossibleError';
}

function triggerOf(entry: PendingReplay): ReplayTrigger {
  return entry.code ? catalogueEntry(entry.code).replayTrigger : 'backoff';
}

/**
 * One pass of the retry job: reads the Pending index only, probes each configuration class once,
 * replays each appointment once with its newest state, and backs off rows that keep failing.
 */
export class RetryPass {
  private readonly now: () => Date;

  constructor(private readonly deps: RetryPassDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  async run(): Promise<RetryPassReport> {
    const now = this.now();
    const pending = await this.deps.transactions.listPending();
    const inWindow: PendingReplay[] = [];
    let agedOut = 0;
    for (const entry of pending) {
      if (isInsideWindow(now, entry.firstFailedAt, this.deps.windowDays)) inWindow.push(entry);
      else if (await this.ageOut(entry)) agedOut++;
    }

    const probes: Partial<Record<'token probe' | 'graph probe', 'passed' | 'failed'>> = {};
    const chosen: PendingReplay[] = [];
    let notDue = 0;
    let heldByProbe = 0;
    let waitingOnResource = 0;

    const changedResources = await this.resourcesChangedSince(
      inWindow.filter((e) => triggerOf(e) === 'resource change'),
    );
    for (const trigger of ['token probe', 'graph probe'] as const) {
      const rows = inWindow.filter((e) => triggerOf(e) === trigger);
      if (rows.length === 0) continue;
      const dueRows = trigger === 'graph probe' ? rows.filter((e) => e.nextAttemptAt <= now) : rows;
      if (dueRows.length === 0) {
        notDue += rows.length;
        continue;
      }
      probes[trigger] = (await this.probe(trigger, dueRows)) ? 'passed' : 'failed';
      if (probes[trigger] === 'passed') {
        chosen.push(...dueRows);
        notDue += rows.length - dueRows.length;
      } else heldByProbe += rows.length;
    }
    for (const entry of inWindow) {
      const trigger = triggerOf(entry);
      if (trigger === 'backoff') {
        if (entry.nextAttemptAt <= now) chosen.push(entry);
        else notDue++;
      } else if (trigger === 'resource change') {
        if (
          entry.waitingOnResources.some(
            (id) => (changedResources.get(id) ?? 0) > entry.lastAttemptAt.getTime(),
          )
        ) {
          chosen.push(entry);
        } else waitingOnResource++;
      }
    }

    const { sent, lostClaims, appointments } = await this.replay(chosen, now);
    const report: RetryPassReport = {
      pending: pending.length,
      replayed: sent,
      appointments,
      agedOut,
      notDue,
      heldByProbe,
      waitingOnResource,
      lostClaims,
      probes,
    };
    this.deps.log.info('retry pass', { ...report });
    return report;
  }

  /** Replays one transaction now (the Errors page's button); repeated clicks send one message. */
  async replayNow(transactionId: string): Promise<{ messageId: string; request: ReplayRequest }> {
    const row = await this.deps.transactions.getTransaction(transactionId);
    if (!row) throw new ReplayNotPossibleError(`Transaction ${transactionId} does not exist.`);
    const refusal = replayRefusal(row);
    if (refusal) throw new ReplayNotPossibleError(refusal);
    const request: ReplayRequest = {
      kind: 'replay',
      appointmentId: row.appointmentId,
      transactionIds: [row.transactionId],
      reason: 'manual',
    };
    const messageId = `${replayMessageId(row.transactionId, row.attempts)}:manual`;
    await this.deps.sender.send([{ messageId, body: request }]);
    return { messageId, request };
  }

  private async replay(chosen: readonly PendingReplay[], now: Date) {
    const byAppointment = new Map<string, PendingReplay[]>();
    for (const entry of chosen)
      byAppointment.set(entry.appointmentId, [...(byAppointment.get(entry.appointmentId) ?? []), entry]);
    const claimed: PendingReplay[] = [];
    let lostClaims = 0;
    const messages: { messageId: string; body: ReplayRequest }[] = [];
    for (const [appointmentId, entries] of byAppointment) {
      const won: PendingReplay[] = [];
      for (const entry of entries) {
        if (await this.deps.transactions.claimPending(entry, nextAttemptAt(now, entry.attempts + 1)))
          won.push(entry);
        else lostClaims++;
      }
      if (won.length === 0) continue;
      claimed.push(...won);
      const [first] = [...won].sort((a, b) => a.transactionId.localeCompare(b.transactionId));
      if (!first) continue;
      messages.push({
        messageId: replayMessageId(first.transactionId, first.attempts),
        body: {
          kind: 'replay',
          appointmentId,
          transactionIds: won.map((e) => e.transactionId),
          reason: 'retry pass',
        },
      });
    }
    try {
      if (messages.length > 0) await this.deps.sender.send(messages);
    } catch (error) {
      await this.releaseClaims(claimed);
      throw error;
    }
    return { sent: claimed.length, lostClaims, appointments: messages.length };
  }

  /**
   * After a failed send, the next pass may take the claimed rows at once instead of after backoff;
   * the claim's attempt is taken back, since nothing was replayed.
   */
  private async releaseClaims(claimed: readonly PendingReplay[]): Promise<void> {
    const rows = await this.deps.transactions.listPending().catch(() => [] as PendingReplay[]);
    const ids = new Set(claimed.map((e) => e.transactionId));
    await Promise.all(
      rows
        .filter((row) => ids.has(row.transactionId))
        .map((row) =>
          this.deps.transactions.claimPending(row, this.now(), row.attempts - 1).catch(() => false),
        ),
    );
  }

  private async probe(
    trigger: 'token probe' | 'graph probe',
    rows: readonly PendingReplay[],
  ): Promise<boolean> {
    const credentials = this.deps.readCredentials();
    if (!credentials.ok) return false;
    try {
      await this.deps.tokens.acquireToken(credentials.value);
      if (trigger === 'graph probe') {
        const row = await this.deps.transactions.getTransaction(rows[0]?.transactionId ?? '');
        const mailbox = row?.resources.find((r) => r.code === rows[0]?.code)?.mailbox;
        if (!mailbox) return true;
        await this.deps.calendars(credentials.value).probe(mailbox);
      }
      return true;
    } catch (error) {
      const failure = classifyFailure(error, {
        clientId: credentials.value.clientId,
        tenantId: credentials.value.tenantId,
      });
      this.deps.log.info('retry probe failed', {
        probe: trigger,
        code: failure.code,
        message: failure.message,
      });
      return false;
    }
  }

  /** Newest change time of each resource the DSEX011/DSEX012 rows wait on, read once per pass. */
  private async resourcesChangedSince(rows: readonly PendingReplay[]): Promise<Map<string, number>> {
    const ids = [...new Set(rows.flatMap((e) => e.waitingOnResources))];
    if (ids.length === 0) return new Map();
    const states = await this.deps.resources.getResources(ids);
    return new Map([...states].map(([id, state]) => [id, state.changedAt.getTime()]));
  }

  /** A row leaving the window needs an administrator, unless its appointment has synced since. */
  private async ageOut(entry: PendingReplay): Promise<boolean> {
    const row = await this.deps.transactions.getTransaction(entry.transactionId);
    if (!row) return false;
    const state = await this.deps.appointments.getAppointment(row.appointmentId);
    const newest = state && (await syncedNewest(this.deps.transactions, state, [row.transactionId]));
    if (newest) {
      await this.deps.transactions.recordTransaction(supersededRecord(row, newest, this.now()), row);
      return true;
    }
    const { nextAttemptAt: _dropped, ...rest } = row;
    const record: TransactionRecord = {
      ...rest,
      needsManualAction: true,
      message: row.message.includes('Needs manual action')
        ? row.message
        : `${row.message} Needs manual action: unresolved after ${this.deps.windowDays} days, no longer replayed automatically.`,
    };
    await this.deps.transactions.recordTransaction(record);
    return true;
  }
}
