import { ageOut } from './ageOut';
import { catalogueEntry, type ReplayTrigger } from './catalogue';
import type { CredentialExpiry, ExchangeCredentials, SettingsResult } from './credentials';
import { LOG_EVENTS } from './logEvents';
import { replayNow } from './manualReplay';
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
import { sendReplays } from './replaySending';
import { isInsideWindow } from './retryPolicy';
import { type ProbeTrigger, probePasses } from './retryProbe';
import { DAY_MS } from './time';

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
  /** The credential's expiry date when set: each pass logs the days left, which an alert watches. */
  readonly credentialExpiry?: () => SettingsResult<CredentialExpiry | undefined>;
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
  readonly probes: Readonly<Partial<Record<ProbeTrigger, 'passed' | 'failed'>>>;
  /** Whole days until the credential expires (negative once expired), when its expiry is set. */
  readonly credentialDaysLeft?: number;
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
      // A claimed row past the window is a manual replay in flight: its outcome decides.
      else if (!entry.claim && (await ageOut(this.deps, entry, now))) agedOut++;
    }

    const probes: Partial<Record<ProbeTrigger, 'passed' | 'failed'>> = {};
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
      probes[trigger] = (await probePasses(this.deps, trigger, dueRows)) ? 'passed' : 'failed';
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

    const { sent, lostClaims, appointments } = await sendReplays(this.deps, chosen, now);
    const expiry = this.deps.credentialExpiry?.();
    const expiresOn = expiry?.ok ? expiry.value?.expiresOn : undefined;
    const report: RetryPassReport = {
      ...(expiresOn
        ? { credentialDaysLeft: Math.floor((expiresOn.getTime() - now.getTime()) / DAY_MS) }
        : {}),
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
    this.deps.log.info(LOG_EVENTS.retryPass, { ...report });
    return report;
  }

  /** Replays one transaction now (the Errors page's button); repeated clicks send one message. */
  async replayNow(transactionId: string): Promise<{ messageId: string; request: ReplayRequest }> {
    return replayNow(this.deps, transactionId, this.now());
  }

  /** Newest change time of each resource the DSEX011/DSEX012 rows wait on, read once per pass. */
  private async resourcesChangedSince(rows: readonly PendingReplay[]): Promise<Map<string, number>> {
    const ids = [...new Set(rows.flatMap((e) => e.waitingOnResources))];
    if (ids.length === 0) return new Map();
    const states = await this.deps.resources.getResources(ids);
    return new Map([...states].map(([id, state]) => [id, state.changedAt.getTime()]));
  }
}
