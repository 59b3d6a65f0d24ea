import { historyEntryOf } from './appointmentHistory';
import { type SyncDependencies, syncAppointmentState } from './appointmentSync';
import type { Code } from './catalogue';
import { type AppointmentChange, parseChangeMessage } from './changeMessage';
import { DiagnosedFailure } from './failures';
import { transactionIdFor } from './ids';
import { invalidMessageBase } from './invalidMessage';
import { tellInterest, type WatchMailboxes } from './mailboxInterest';
import { type DecodedBody, decodeBody } from './messageBody';
import { writeNewestIfOvertaken } from './overtakenSync';
import { PerKeyQueue } from './perKeyQueue';
import type { AppointmentStore, TransactionStore } from './ports';
import { replayClaimRefusal } from './replayClaims';
import { parseReplayRequest } from './replayMessage';
import { replayTransactions } from './replayTransactions';
import { recordResourceChange } from './resourceChangeRecording';
import { AppointmentMappings, acceptsVersion, mayHaveRow, withChanges } from './storedAppointment';
import { failedWith, fullySynced } from './syncResult';
import type { TransactionRecord } from './transaction';
import { TransactionRecorder } from './transactionRecorder';

/** Changes of one appointment never interleave inside an instance. */
const appointmentQueue = new PerKeyQueue();

export interface ChangeProcessorDependencies extends Omit<SyncDependencies, 'now'> {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  /** The secret values no row may hold. */
  readonly secrets: () => readonly string[];
  readonly now?: () => Date;
  /** Two-way sync: told which mailboxes got their first event or had their resource (dis)abled. */
  readonly watchMailboxes?: WatchMailboxes;
}

export interface Delivery {
  readonly messageId?: string;
  /** How many times Service Bus has delivered the message, this time included (from 1). */
  readonly deliveryCount?: number;
}

/**
 * Turns one queue message into one recorded transaction: a replay of the connector's own, an invalid
 * message, a resource change or an appointment change. Throws only when the outcome cannot be recorded.
 */
export class ChangeProcessor {
  private readonly deps: ChangeProcessorDependencies & SyncDependencies;
  private readonly recorder: TransactionRecorder;

  constructor(deps: ChangeProcessorDependencies) {
    this.deps = { ...deps, now: deps.now ?? (() => new Date()) };
    this.recorder = new TransactionRecorder(this.deps);
  }

  async process(body: unknown, delivery: Delivery = {}): Promise<TransactionRecord | undefined> {
    const started = Date.now();
    const decoded = decodeBody(body);
    const replay = decoded.ok ? parseReplayRequest(decoded.value) : undefined;
    if (replay) {
      const refusal = await replayClaimRefusal(this.deps.transactions, replay, delivery.messageId);
      if (refusal) {
        const reason = `Replay request refused, nothing was changed: ${refusal}.`;
        return this.recordInvalid(body, decoded, reason, delivery, started, 'DSEX051');
      }
      const deps = { ...this.deps, recorder: this.recorder };
      return appointmentQueue.run(replay.appointmentId, () => replayTransactions(deps, replay, started));
    }
    const parsed = parseChangeMessage(body, decoded);
    if (!parsed.ok) return this.recordInvalid(body, decoded, parsed.reason, delivery, started);
    const { change } = parsed;
    if (change.kind === 'resource')
      return recordResourceChange({ ...this.deps, recorder: this.recorder }, change, started);
    const redelivered = (delivery.deliveryCount ?? 1) > 1;
    return appointmentQueue.run(change.appointmentId, () =>
      this.applyAppointment(change, started, redelivered),
    );
  }

  private async applyAppointment(
    change: AppointmentChange,
    started: number,
    redelivered: boolean,
  ): Promise<TransactionRecord> {
    const { appointmentId, changeId, operation, version } = change;
    const transactionId = transactionIdFor(changeId);
    const stored = await this.deps.appointments.getAppointment(appointmentId);
    const previous = mayHaveRow(stored, { changeId, transactionId, version })
      ? await this.deps.transactions.getTransaction(transactionId)
      : undefined;
    const snapshot = operation === 'upsert' ? change.appointment : undefined;
    const base = { transactionId, changeId, appointmentId, operation, version };
    if (!acceptsVersion(stored, version)) {
      const superseded = new DiagnosedFailure(
        'DSEX022',
        `A newer change of appointment ${appointmentId} was already received; this change (version ${version}) was not applied.`,
      );
      return this.recorder.record(base, previous, failedWith(superseded), started);
    }
    const state = {
      appointmentId,
      version,
      changeId,
      deleted: operation === 'delete',
      ...(snapshot ? { snapshot } : {}),
      receivedAt: this.deps.now(),
    };
    const mappings = new AppointmentMappings(stored.mappings);
    const changedAt = change.changedAt ? new Date(change.changedAt) : undefined;
    const result = await syncAppointmentState(this.deps, {
      appointmentId,
      version,
      snapshot,
      mappings,
      deletesMayBeDone: redelivered,
      ...(changedAt ? { changedAt } : {}),
    });
    const older = fullySynced(result) ? stored.openTransactions.filter((id) => id !== transactionId) : [];
    let record = this.recorder.build(base, previous, result, started);
    const opened = record.nextAttemptAt ? [transactionId] : [];
    const update = withChanges({ state, mappings, closed: [transactionId, ...older], opened });
    // A row never recorded joins the history with the appointment's write, not in a write of its own.
    const listed = previous ? undefined : historyEntryOf(record);
    const written = await this.deps.appointments.updateAppointment(stored, update, listed);
    const overtaken = await writeNewestIfOvertaken(this.deps, update(stored), written, version);
    // The row then records what Exchange now shows: the newest state's outcome.
    if (overtaken) record = this.recorder.build(base, previous, overtaken, started);
    await this.recorder.write(record, previous, { listed: true });
    if (older.length > 0) await this.recorder.resolveOlderRows(appointmentId, transactionId, []);
    const created = record.resources.filter((r) => r.action === 'create' && r.status === 'Success');
    await tellInterest(
      this.deps.watchMailboxes,
      this.deps.log,
      created.map((r) => ({
        mailbox: r.mailbox,
        resourceId: r.resourceId,
        watch: true,
        cause: 'event created',
      })),
    );
    return record;
  }

  private async recordInvalid(
    body: unknown,
    decoded: DecodedBody,
    reason: string,
    delivery: Delivery,
    started: number,
    code: Extract<Code, 'DSEX050' | 'DSEX051'> = 'DSEX050',
  ): Promise<TransactionRecord> {
    const base = invalidMessageBase(body, decoded, delivery.messageId);
    const previous = await this.deps.transactions.getTransaction(base.transactionId);
    const failure = new DiagnosedFailure(
      code,
      code === 'DSEX050' ? `Invalid change message: ${reason}.` : reason,
    );
    return this.recorder.record(base, previous, failedWith(failure), started);
  }
}
