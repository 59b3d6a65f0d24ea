import { createHash } from 'node:crypto';
import { type SyncDependencies, syncAppointmentState } from './appointmentSync';
import { type AppointmentChange, parseChangeMessage, type ResourceChange } from './changeMessage';
import { DiagnosedFailure } from './failures';
import { transactionIdFor } from './ids';
import { appointmentIdOf, bodyText, type DecodedBody, decodeBody } from './messageBody';
import { PerKeyQueue } from './perKeyQueue';
import type { AppointmentStore, TransactionStore } from './ports';
import { parseReplayRequest } from './replayMessage';
import { replayTransactions } from './replayTransactions';
import { failedWith, fullySynced } from './syncResult';
import type { ResourceOutcome, TransactionRecord } from './transaction';
import { TransactionRecorder } from './transactionRecorder';

/** Changes of one appointment never interleave inside an instance. */
const appointmentQueue = new PerKeyQueue();

const RAW_BODY_LIMIT = 8_000;

export interface ChangeProcessorDependencies extends Omit<SyncDependencies, 'now'> {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  /** The secret values no row may hold. */
  readonly secrets: () => readonly string[];
  readonly now?: () => Date;
}

export interface Delivery {
  readonly messageId?: string;
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
      const deps = { ...this.deps, recorder: this.recorder };
      return appointmentQueue.run(replay.appointmentId, () => replayTransactions(deps, replay, started));
    }
    const parsed = parseChangeMessage(body, decoded);
    if (!parsed.ok) return this.recordInvalid(body, decoded, parsed.reason, delivery, started);
    const { change } = parsed;
    if (change.kind === 'resource') return this.recordResource(change, started);
    return appointmentQueue.run(change.appointmentId, () => this.applyAppointment(change, started));
  }

  private async applyAppointment(change: AppointmentChange, started: number): Promise<TransactionRecord> {
    const { appointmentId, changeId, operation, version } = change;
    const transactionId = transactionIdFor(changeId);
    const previous = await this.deps.transactions.getTransaction(transactionId);
    const snapshot = operation === 'upsert' ? change.appointment : undefined;
    const saved = await this.deps.appointments.saveAppointmentIfNewer({
      appointmentId,
      version,
      changeId,
      deleted: operation === 'delete',
      ...(snapshot ? { snapshot } : {}),
      receivedAt: this.deps.now(),
    });
    const base = { transactionId, changeId, appointmentId, operation, version };
    if (!saved) {
      const superseded = new DiagnosedFailure(
        'DSEX022',
        `A newer change of appointment ${appointmentId} was already received; this change (version ${version}) was not applied.`,
      );
      return this.recorder.record(base, previous, failedWith(superseded), started);
    }
    const changedAt = change.changedAt ? new Date(change.changedAt) : undefined;
    // What was just saved is the newest stored state: the sync writes it.
    let result = await syncAppointmentState(this.deps, {
      appointmentId,
      snapshot,
      ...(changedAt ? { changedAt } : {}),
    });
    // The appointment's session keeps other instances off it; should its lock have been lost during
    // the writes, a newer state may have been saved and written meanwhile: write the newest last.
    const newest = await this.deps.appointments.getAppointment(appointmentId);
    if (newest && newest.version > version) {
      this.deps.log.info('overtaken during sync: the newest state is written again', {
        appointmentId,
        version,
        newestVersion: newest.version,
      });
      result = await syncAppointmentState(this.deps, {
        appointmentId,
        snapshot: newest.deleted ? undefined : newest.snapshot,
      });
    }
    const record = await this.recorder.record(base, previous, result, started);
    if (fullySynced(result)) await this.recorder.resolveOlderRows(appointmentId, transactionId, []);
    return record;
  }

  private async recordResource(change: ResourceChange, started: number): Promise<TransactionRecord> {
    const transactionId = transactionIdFor(change.changeId);
    const previous = await this.deps.transactions.getTransaction(transactionId);
    const { resource } = change;
    const saved = await this.deps.resources.saveResourceIfNewer({
      ...resource,
      changedAt: new Date(change.changedAt),
    });
    const base = {
      transactionId,
      changeId: change.changeId,
      appointmentId: '',
      operation: 'resource' as const,
    };
    if (!saved) {
      const stale = new DiagnosedFailure(
        'DSEX022',
        `A newer state of resource ${resource.id} was already received; this one was not saved.`,
      );
      return this.recorder.record(base, previous, failedWith(stale), started);
    }
    const summary: ResourceOutcome = {
      resourceId: resource.id,
      name: resource.name,
      mailbox: resource.mailbox,
      action: 'none',
      status: 'Success',
      message: `Resource state saved: Exchange integration ${resource.exchangeEnabled ? 'on' : 'off'}, mailbox ${resource.mailbox}.`,
    };
    return this.recorder.record(base, previous, { resources: [summary], retryAfterMs: 0 }, started);
  }

  private async recordInvalid(
    body: unknown,
    decoded: DecodedBody,
    reason: string,
    delivery: Delivery,
    started: number,
  ): Promise<TransactionRecord> {
    const raw = bodyText(body);
    const identity = delivery.messageId ?? createHash('sha256').update(raw).digest('hex');
    const changeId = `message:${identity}`;
    const transactionId = transactionIdFor(changeId);
    const previous = await this.deps.transactions.getTransaction(transactionId);
    const base = {
      transactionId,
      changeId,
      appointmentId: appointmentIdOf(decoded),
      operation: 'invalid' as const,
      rawBody: raw.slice(0, RAW_BODY_LIMIT),
    };
    const failure = new DiagnosedFailure('DSEX050', `Invalid change message: ${reason}.`);
    return this.recorder.record(base, previous, failedWith(failure), started);
  }
}
