import { createHash } from 'node:crypto';
import {
  describeProblems,
  type ExchangeCredentials,
  type SettingProblem,
  type SettingsResult,
} from '../settings';
import { type Code, catalogueEntry, isReplayable, mostSevere } from './catalogue';
import {
  type AppointmentChange,
  type AppointmentSnapshot,
  parseChangeMessage,
  type ResourceChange,
} from './changeMessage';
import { classifyFailure } from './classifyFailure';
import { eventPayload } from './eventPayload';
import { DiagnosedFailure, GraphRequestError } from './failures';
import { eventTransactionId, transactionIdFor } from './ids';
import { KeyedSerializer } from './keyedSerializer';
import type {
  AppointmentStore,
  CalendarGateway,
  CalendarGatewayFactory,
  MappingStore,
  OperationalLog,
  ResourceStore,
  TokenProvider,
  TransactionStore,
} from './ports';
import { redactDeep } from './redaction';
import { parseReplayRequest, type ReplayRequest } from './replayMessage';
import { nextAttemptAt } from './retryPolicy';
import { effectiveResources, type PlannedCall, planDelete, planUpsert, type SyncPlan } from './syncPlan';
import type { ResourceOutcome, TransactionOperation, TransactionRecord } from './transaction';

const appointmentLanes = new KeyedSerializer();

export interface ChangeProcessorDependencies {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  readonly mappings: MappingStore;
  readonly resources: ResourceStore;
  readonly tokens: TokenProvider;
  readonly calendars: CalendarGatewayFactory;
  readonly readCredentials: () => SettingsResult<ExchangeCredentials>;
  readonly log: OperationalLog;
  readonly now?: () => Date;
}

export interface Delivery {
  readonly messageId?: string;
  readonly deliveryCount?: number;
}

/** The outcome of syncing one appointment state, before it becomes a transaction row. */
interface SyncResult {
  readonly resources: readonly ResourceOutcome[];
  /** A failure of the whole change (settings, token, no resources), when there is one. */
  readonly failure?: DiagnosedFailure;
  readonly retryAfterMs: number;
}

const RAW_BODY_LIMIT = 8_000;
const NO_RESOURCES = 'No resources were assigned to this appointment';

function decodeBody(body: unknown): unknown {
  const text =
    body instanceof Uint8Array
      ? Buffer.from(body).toString('utf8')
      : typeof body === 'string'
        ? body
        : undefined;
  if (text === undefined) return body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function rawText(body: unknown): string {
  try {
    if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
    if (typeof body === 'string') return body;
    return JSON.stringify(body) ?? String(body);
  } catch {
    try {
      return String(body);
    } catch {
      return '[a body that cannot be read]';
    }
  }
}

/** The appointment id of an invalid message, when one can be read from it. */
function appointmentIdOf(decoded: unknown): string {
  try {
    const value =
      typeof decoded === 'object' && decoded !== null
        ? (decoded as Record<string, unknown>).appointmentId
        : undefined;
    return typeof value === 'string' ? value.slice(0, 200) : '';
  } catch {
    return '';
  }
}

/** The code and message for credential settings that cannot be used (DSEX006, or DSEX004/DSEX003 when malformed). */
export function credentialFailure(problems: readonly SettingProblem[]): DiagnosedFailure {
  const malformed = (setting: string) =>
    problems.some((p) => p.setting === setting && p.kind === 'malformed');
  const missing = problems.some((p) => p.kind === 'missing');
  const code: Code = missing
    ? 'DSEX006'
    : malformed('EXCHANGE_TENANT_ID')
      ? 'DSEX004'
      : malformed('EXCHANGE_CLIENT_ID')
        ? 'DSEX003'
        : 'DSEX006';
  return new DiagnosedFailure(
    code,
    `The Exchange credentials cannot be used: ${describeProblems(problems)}.`,
  );
}

/**
 * Turns one queue message into one recorded transaction: validate, settings, resources, token,
 * Graph per resource, record. Throws only when the outcome cannot be recorded.
 */
export class ChangeProcessor {
  private readonly now: () => Date;

  constructor(private readonly deps: ChangeProcessorDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  async process(body: unknown, delivery: Delivery = {}): Promise<TransactionRecord | undefined> {
    const started = Date.now();
    const decoded = decodeBody(body);
    const replay = parseReplayRequest(decoded);
    if (replay) return appointmentLanes.run(replay.appointmentId, () => this.replay(replay, started));
    const parsed = parseChangeMessage(body);
    if (!parsed.ok) return this.recordInvalid(body, decoded, parsed.reason, delivery, started);
    const change = parsed.change;
    if (change.kind === 'resource') return this.recordResource(change, started);
    return appointmentLanes.run(change.appointmentId, () => this.applyAppointment(change, started));
  }

  private async applyAppointment(change: AppointmentChange, started: number): Promise<TransactionRecord> {
    const transactionId = transactionIdFor(change.changeId);
    const previous = await this.deps.transactions.getTransaction(transactionId);
    const snapshot = change.operation === 'upsert' ? change.appointment : undefined;
    const saved = await this.deps.appointments.saveAppointmentIfNewer({
      appointmentId: change.appointmentId,
      version: change.version,
      changeId: change.changeId,
      deleted: change.operation === 'delete',
      ...(snapshot ? { snapshot } : {}),
      receivedAt: this.now(),
    });
    const base = {
      transactionId,
      changeId: change.changeId,
      appointmentId: change.appointmentId,
      operation: change.operation,
      version: change.version,
    };
    if (!saved) {
      const superseded = new DiagnosedFailure(
        'DSEX022',
        `A newer change of appointment ${change.appointmentId} was already received; this change (version ${change.version}) was not applied.`,
      );
      return this.finish(base, previous, { resources: [], failure: superseded, retryAfterMs: 0 }, started);
    }
    const changedAt = change.changedAt ? new Date(change.changedAt) : undefined;
    const result = await this.sync(change.appointmentId, snapshot, changedAt);
    return this.finish(base, previous, result, started);
  }

  /** Replays transactions of one appointment with its newest state: one sync, its outcome on each row. */
  private async replay(request: ReplayRequest, started: number): Promise<TransactionRecord | undefined> {
    const found = await Promise.all(
      request.transactionIds.map((id) => this.deps.transactions.getTransaction(id)),
    );
    const rows = found.filter(
      (row): row is TransactionRecord => row !== undefined && row.status !== 'Success',
    );
    if (rows.length === 0) {
      this.deps.log.info('replay found nothing left to do', { ...request });
      return undefined;
    }
    const state = await this.deps.appointments.getAppointment(request.appointmentId);
    let result: SyncResult;
    if (!state) {
      const missing = new DiagnosedFailure(
        'DSUNK001',
        `Unexpected exception: no stored state for appointment ${request.appointmentId}. The stack trace is in the operational log.`,
      );
      result = { resources: [], failure: missing, retryAfterMs: 0 };
    } else {
      result =
        (await this.supersededBy(state.changeId, state.version, request)) ??
        (await this.sync(state.appointmentId, state.deleted ? undefined : state.snapshot, undefined));
    }
    let last: TransactionRecord | undefined;
    for (const row of rows) {
      const base = {
        transactionId: row.transactionId,
        changeId: row.changeId,
        appointmentId: row.appointmentId,
        operation: state ? (state.deleted ? ('delete' as const) : ('upsert' as const)) : row.operation,
        ...(row.version !== undefined ? { version: row.version } : {}),
      };
      last = await this.finish(base, row, result, started);
    }
    return last;
  }

  /** When the newest change of the appointment already synced, older failures need no replay. */
  private async supersededBy(
    changeId: string,
    version: number,
    request: ReplayRequest,
  ): Promise<SyncResult | undefined> {
    const newest = transactionIdFor(changeId);
    if (request.transactionIds.includes(newest)) return undefined;
    const row = await this.deps.transactions.getTransaction(newest);
    if (row?.status !== 'Success') return undefined;
    const failure = new DiagnosedFailure(
      'DSEX022',
      `Superseded: transaction ${newest} already synced version ${version} of appointment ${request.appointmentId}.`,
    );
    return { resources: [], failure, retryAfterMs: 0 };
  }

  /** Makes Exchange match one state of an appointment: `snapshot` undefined means deleted. */
  private async sync(
    appointmentId: string,
    snapshot: AppointmentSnapshot | undefined,
    changedAt: Date | undefined,
  ): Promise<SyncResult> {
    const credentials = this.deps.readCredentials();
    if (!credentials.ok)
      return { resources: [], failure: credentialFailure(credentials.problems), retryAfterMs: 0 };
    const mappings = await this.deps.mappings.listMappings(appointmentId);
    let plan: SyncPlan;
    if (snapshot) {
      const stored = await this.deps.resources.getResources(snapshot.resources.map((r) => r.id));
      plan = planUpsert(effectiveResources(snapshot.resources, stored, changedAt), mappings);
    } else {
      plan = planDelete(mappings);
      if (plan.calls.length === 0) {
        const noMapping = new DiagnosedFailure(
          'DSEX020',
          `No mapping entry: the connector has no event for appointment ${appointmentId}, so there is nothing to delete yet.`,
        );
        return { resources: [], failure: noMapping, retryAfterMs: 0 };
      }
    }
    const disabled: ResourceOutcome[] = plan.disabled.map((r) => ({
      resourceId: r.id,
      name: r.name,
      mailbox: r.mailbox,
      action: 'none',
      status: 'Skipped',
      code: 'DSEX011',
      message: `Exchange integration is disabled for ${r.name} (No).`,
    }));
    const anyEnabled = snapshot ? snapshot.resources.length > plan.disabled.length : true;
    const wholeDisabled = snapshot && !anyEnabled ? this.disabledFailure(snapshot, plan) : undefined;
    if (plan.calls.length === 0)
      return { resources: disabled, retryAfterMs: 0, ...(wholeDisabled ? { failure: wholeDisabled } : {}) };

    try {
      await this.deps.tokens.acquireToken(credentials.value);
    } catch (error) {
      const failure = classifyFailure(error, {
        clientId: credentials.value.clientId,
        tenantId: credentials.value.tenantId,
      });
      this.logUndiagnosed(failure, appointmentId);
      return { resources: disabled, failure, retryAfterMs: failure.retryAfterMs ?? 0 };
    }
    const gateway = this.deps.calendars(credentials.value);
    const groups = new Map<string, PlannedCall[]>();
    for (const call of plan.calls)
      groups.set(call.resource.id, [...(groups.get(call.resource.id) ?? []), call]);
    const executed = await Promise.all(
      [...groups.values()].map(async (calls) => {
        const outcomes: Array<{ outcome: ResourceOutcome; retryAfterMs: number }> = [];
        for (const call of calls) outcomes.push(await this.execute(gateway, appointmentId, snapshot, call));
        return outcomes;
      }),
    );
    const flat = executed.flat();
    return {
      resources: [...flat.map((e) => e.outcome), ...disabled],
      retryAfterMs: Math.max(0, ...flat.map((e) => e.retryAfterMs)),
      ...(wholeDisabled ? { failure: wholeDisabled } : {}),
    };
  }

  private disabledFailure(snapshot: AppointmentSnapshot, plan: SyncPlan): DiagnosedFailure {
    if (snapshot.resources.length === 0) return new DiagnosedFailure('DSEX011', `${NO_RESOURCES}.`);
    const pairs = plan.disabled.map((r) => `${r.name} (No)`).join(', ');
    return new DiagnosedFailure(
      'DSEX011',
      `Exchange integration is disabled for the assigned resources: ${pairs}.`,
    );
  }

  /** One Graph call and the mapping write that follows it; only Graph failures are diagnosed here. */
  private async execute(
    gateway: CalendarGateway,
    appointmentId: string,
    snapshot: AppointmentSnapshot | undefined,
    call: PlannedCall,
  ): Promise<{ outcome: ResourceOutcome; retryAfterMs: number }> {
    const { resource, mailbox } = call;
    const outcome = (fields: Pick<ResourceOutcome, 'status' | 'message'> & Partial<ResourceOutcome>) => ({
      resourceId: resource.id,
      name: resource.name,
      mailbox,
      action: call.action,
      ...fields,
    });
    const create = async (generation: string) => {
      if (!snapshot) throw new Error('create planned without a snapshot');
      const transactionId = eventTransactionId(appointmentId, resource.id, mailbox, generation);
      const eventId = await gateway.createEvent(mailbox, eventPayload(snapshot), transactionId);
      return eventId;
    };
    let eventId: string | undefined;
    let message: string;
    try {
      if (call.action === 'create') {
        eventId = await create('');
        message = 'Event created.';
      } else if (call.action === 'update' && snapshot && call.eventId) {
        try {
          await gateway.updateEvent(mailbox, call.eventId, eventPayload(snapshot));
          eventId = call.eventId;
          message = 'Event updated.';
        } catch (error) {
          if (
            !(
              error instanceof GraphRequestError &&
              error.details.httpStatus === 404 &&
              error.details.graphCode === 'ErrorItemNotFound'
            )
          )
            throw error;
          eventId = await create(call.eventId);
          message = 'Event recreated: it had been deleted in Outlook.';
        }
      } else {
        await gateway.deleteEvent(mailbox, call.eventId ?? '');
        message = 'Event deleted.';
      }
    } catch (error) {
      const failure = classifyFailure(error, {
        graphCall: { action: call.action, mailbox, resourceName: resource.name },
      });
      this.logUndiagnosed(failure, appointmentId);
      if (failure.code === 'DSEX021') await this.deps.mappings.deleteMapping(appointmentId, resource.id);
      return {
        outcome: outcome({
          status: catalogueEntry(failure.code).status,
          code: failure.code,
          message: failure.message,
        }),
        retryAfterMs: failure.retryAfterMs ?? 0,
      };
    }
    if (call.action === 'delete') {
      await this.deps.mappings.deleteMapping(appointmentId, resource.id);
    } else if (eventId) {
      await this.deps.mappings.putMapping({
        appointmentId,
        resourceId: resource.id,
        mailbox,
        eventId,
        updatedAt: this.now(),
      });
    }
    return {
      outcome: outcome({ status: 'Success', message, ...(eventId ? { eventId } : {}) }),
      retryAfterMs: 0,
    };
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
    const summary: ResourceOutcome = {
      resourceId: resource.id,
      name: resource.name,
      mailbox: resource.mailbox,
      action: 'none',
      status: 'Success',
      message: `Resource state saved: Exchange integration ${resource.exchangeEnabled ? 'on' : 'off'}, mailbox ${resource.mailbox}.`,
    };
    const failure = saved
      ? undefined
      : new DiagnosedFailure(
          'DSEX022',
          `A newer state of resource ${resource.id} was already received; this one was not saved.`,
        );
    return this.finish(
      base,
      previous,
      { resources: saved ? [summary] : [], retryAfterMs: 0, ...(failure ? { failure } : {}) },
      started,
    );
  }

  private async recordInvalid(
    body: unknown,
    decoded: unknown,
    reason: string,
    delivery: Delivery,
    started: number,
  ): Promise<TransactionRecord> {
    const raw = rawText(body);
    const identity = delivery.messageId ?? createHash('sha256').update(raw).digest('hex');
    const changeId = `message:${identity}`;
    const transactionId = transactionIdFor(changeId);
    const previous = await this.deps.transactions.getTransaction(transactionId);
    const appointmentId = appointmentIdOf(decoded);
    const failure = new DiagnosedFailure('DSEX050', `Invalid change message: ${reason}.`);
    return this.finish(
      { transactionId, changeId, appointmentId, operation: 'invalid', rawBody: raw.slice(0, RAW_BODY_LIMIT) },
      previous,
      { resources: [], failure, retryAfterMs: 0 },
      started,
    );
  }

  private async finish(
    base: {
      transactionId: string;
      changeId: string;
      appointmentId: string;
      operation: TransactionOperation;
      version?: number;
      rawBody?: string;
    },
    previous: TransactionRecord | undefined,
    result: SyncResult,
    started: number,
  ): Promise<TransactionRecord> {
    const now = this.now();
    const anyWritten = result.resources.some((r) => r.action !== 'none');
    const counted = result.resources.filter((r) => r.code && (r.action !== 'none' || !anyWritten));
    const codes = [...counted.map((r) => r.code as Code), ...(result.failure ? [result.failure.code] : [])];
    const code = mostSevere(codes);
    const attempts = (previous?.attempts ?? 0) + 1;
    let message: string;
    if (!code) {
      const written = result.resources.filter((r) => r.action !== 'none').length;
      message =
        base.operation === 'resource'
          ? (result.resources[0]?.message ?? 'Saved.')
          : `Synced ${written} resource event${written === 1 ? '' : 's'}.`;
    } else {
      const worst =
        result.failure?.code === code
          ? result.failure.message
          : counted.find((r) => r.code === code)?.message;
      const failedCount = counted.filter((r) => r.code).length;
      const suffix =
        !result.failure && failedCount > 1
          ? ` (${failedCount} of ${result.resources.length} resources did not sync)`
          : '';
      message = `[${code}] ${worst ?? ''}${suffix}`;
    }
    const waiting = result.resources
      .filter((r) => r.code === 'DSEX011' || r.code === 'DSEX012')
      .map((r) => r.resourceId);
    const replayable = code !== undefined && isReplayable(code);
    const credentials = this.deps.readCredentials();
    const secrets = credentials.ok ? [credentials.value.clientSecret] : [];
    const record: TransactionRecord = redactDeep(
      {
        ...base,
        status: code ? catalogueEntry(code).status : 'Success',
        ...(code ? { code } : {}),
        message,
        attempts,
        createdAt: previous?.createdAt ?? now,
        lastAttemptAt: now,
        resources: result.resources,
        ...(replayable ? { nextAttemptAt: nextAttemptAt(now, attempts, result.retryAfterMs) } : {}),
        ...(replayable && waiting.length > 0 ? { waitingOnResources: waiting } : {}),
        durationMs: Date.now() - started,
      },
      secrets,
    );
    await this.deps.transactions.recordTransaction(record, previous ?? null);
    this.deps.log.info('transaction', {
      transactionId: record.transactionId,
      appointmentId: record.appointmentId,
      operation: record.operation,
      status: record.status,
      code: record.code ?? '',
      attempts: record.attempts,
      resources: record.resources.length,
      durationMs: record.durationMs,
    });
    return record;
  }

  private logUndiagnosed(failure: DiagnosedFailure, appointmentId: string): void {
    if (failure.code !== 'DSUNK001') return;
    this.deps.log.error('undiagnosed failure', {
      appointmentId,
      message: failure.message,
      stack: failure.stack ?? '',
    });
  }
}
