import { type ChangeMessage, parseChangeMessage } from './changeMessage';
import { DiagnosedFailure } from './failures';
import { transactionIdFor } from './ids';
import { invalidMessageBase } from './invalidMessage';
import { decodeBody } from './messageBody';
import type { AppointmentStore, OperationalLog, ResourceStore, TransactionStore } from './ports';
import { parseReplayRequest } from './replayMessage';
import { keyProblem } from './storageKeys';
import { AppointmentMappings, withChanges } from './storedAppointment';
import { failedWith } from './syncResult';
import type { TransactionRecord } from './transaction';
import type { TransactionBase } from './transactionRecord';
import { TransactionRecorder } from './transactionRecorder';

/** What Service Bus says about a dead-lettered message. */
export interface DeadLetter {
  readonly messageId?: string;
  readonly reason: string;
  readonly description: string;
}

export interface DeadLetterSweeperDependencies {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  readonly resources: ResourceStore;
  readonly log: OperationalLog;
  readonly secrets: () => readonly string[];
  readonly now?: () => Date;
}

/** At most this much of Service Bus's dead-letter description is quoted on a row. */
const DESCRIPTION_LIMIT = 300;

function deadLetterText(letter: DeadLetter): string {
  const reason = letter.reason.trim() === '' ? 'no reason given' : letter.reason.trim();
  const description = letter.description.trim().slice(0, DESCRIPTION_LIMIT);
  return `Service Bus dead-lettered it (${reason}${description ? `: ${description}` : ''})`;
}

/**
 * Records a row for every message on the queue's dead-letter subqueue, so nothing that reached the
 * connector ends without one: a change gets DSEX052 (its state saved, so the retry pass can replay
 * an appointment), the connector's own replay request DSEX052 on a row of its own, anything else
 * DSEX050 with the dead-letter reason. Throws only when the row cannot be written (then Service
 * Bus redelivers it from the subqueue).
 */
export class DeadLetterSweeper {
  private readonly recorder: TransactionRecorder;
  private readonly now: () => Date;

  constructor(private readonly deps: DeadLetterSweeperDependencies) {
    this.now = deps.now ?? (() => new Date());
    this.recorder = new TransactionRecorder({ ...deps, now: this.now });
  }

  async sweep(body: unknown, letter: DeadLetter): Promise<TransactionRecord> {
    const started = Date.now();
    const decoded = decodeBody(body);
    const why = deadLetterText(letter);
    const replay = decoded.ok ? parseReplayRequest(decoded.value) : undefined;
    if (replay) {
      const { appointmentId } = replay;
      const base = invalidMessageBase(body, decoded, letter.messageId);
      const usable = keyProblem('appointmentId', appointmentId) === undefined ? appointmentId : '';
      return this.recordUnrecorded({ ...base, appointmentId: usable, operation: 'replay' }, why, started);
    }
    const parsed = parseChangeMessage(body, decoded);
    if (!parsed.ok) {
      const base = invalidMessageBase(body, decoded, letter.messageId);
      const previous = await this.deps.transactions.getTransaction(base.transactionId);
      const failure = new DiagnosedFailure('DSEX050', `Invalid change message: ${parsed.reason}. ${why}.`);
      return this.recorder.record(base, previous, failedWith(failure), started);
    }
    return this.recordUnrecorded(await this.saveState(parsed.change), why, started);
  }

  /** Saves the change's state when it is the newest (as the handler would have), for the retry pass. */
  private async saveState(change: ChangeMessage): Promise<TransactionBase> {
    const transactionId = transactionIdFor(change.changeId);
    if (change.kind === 'resource') {
      await this.deps.resources.saveResourceIfNewer({
        ...change.resource,
        changedAt: new Date(change.changedAt),
      });
      return { transactionId, changeId: change.changeId, appointmentId: '', operation: 'resource' };
    }
    const { appointmentId, changeId, operation, version } = change;
    const stored = await this.deps.appointments.getAppointment(appointmentId);
    const state = {
      appointmentId,
      version,
      changeId,
      deleted: operation === 'delete',
      ...(operation === 'upsert' ? { snapshot: change.appointment } : {}),
      receivedAt: this.now(),
    };
    const mappings = new AppointmentMappings(stored.mappings);
    await this.deps.appointments.updateAppointment(
      stored,
      withChanges({ state, mappings, closed: [], opened: [transactionId] }),
    );
    return { transactionId, changeId, appointmentId, operation, version };
  }

  private async recordUnrecorded(
    base: TransactionBase,
    why: string,
    started: number,
  ): Promise<TransactionRecord> {
    const previous = await this.deps.transactions.getTransaction(base.transactionId);
    const next =
      base.appointmentId === ''
        ? base.operation === 'resource'
          ? 'The resource state was saved now.'
          : 'Nothing is replayed.'
        : `The retry pass replays appointment ${base.appointmentId}.`;
    const failure = new DiagnosedFailure(
      'DSEX052',
      `The outcome could not be recorded before ${why}; the dead-letter sweeper recorded it. ${next}`,
    );
    const record = await this.recorder.record(base, previous, failedWith(failure), started);
    this.deps.log.info('dead letter swept', {
      transactionId: record.transactionId,
      appointmentId: record.appointmentId,
      code: record.code ?? '',
      deadLetterReason: why,
    });
    return record;
  }
}
