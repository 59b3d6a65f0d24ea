import type { AppointmentSnapshot } from './changeMessage';
import { classifyFailure } from './classifyFailure';
import { credentialFailure } from './credentialFailure';
import type { ExchangeCredentials, SettingsResult } from './credentials';
import { eventPayload } from './eventPayload';
import { type CallOutcome, executeCall } from './executeCall';
import { DiagnosedFailure } from './failures';
import type {
  CalendarGatewayFactory,
  MappingStore,
  OperationalLog,
  ResourceStore,
  TokenProvider,
} from './ports';
import { effectiveResources, type PlannedCall, planDelete, planUpsert, type SyncPlan } from './syncPlan';
import { failedWith, type SyncResult } from './syncResult';
import type { ResourceOutcome } from './transaction';
import { logIfUndiagnosed } from './undiagnosed';

export interface SyncDependencies {
  readonly resources: ResourceStore;
  readonly tokens: TokenProvider;
  readonly calendars: CalendarGatewayFactory;
  readonly readCredentials: () => SettingsResult<ExchangeCredentials>;
  readonly log: OperationalLog;
  readonly now: () => Date;
}

/** One state of an appointment: `snapshot` undefined means deleted. */
export interface SyncTarget {
  readonly appointmentId: string;
  /** The version of the state: written to each event, so the delta knows a write in flight. */
  readonly version: number;
  readonly snapshot: AppointmentSnapshot | undefined;
  /** The appointment's event mappings, as read with it; the calls change them. */
  readonly mappings: MappingStore;
  /** When the back office changed it: a resource state newer than this overrides the snapshot's copy. */
  readonly changedAt?: Date;
  /**
   * Another sync of the appointment may have made some of these deletes already: an earlier delivery
   * of the change (it crashed or lost its session lock after some of its Graph writes, before its
   * appointment write), or one that ran beside this one. A delete that finds its event gone is then done.
   */
  readonly deletesMayBeDone?: boolean;
}

const NO_RESOURCES = 'No resources were assigned to this appointment';

async function plan(deps: SyncDependencies, target: SyncTarget): Promise<SyncPlan> {
  const mappings = await target.mappings.listMappings(target.appointmentId);
  const { snapshot } = target;
  if (!snapshot) return planDelete(mappings);
  const stored = await deps.resources.getResources(snapshot.resources.map((r) => r.id));
  return planUpsert(effectiveResources(snapshot.resources, stored, target.changedAt), mappings);
}

function disabledOutcomes(plan: SyncPlan): ResourceOutcome[] {
  return plan.disabled.map((r) => ({
    resourceId: r.id,
    name: r.name,
    mailbox: r.mailbox,
    action: 'none',
    status: 'Skipped',
    code: 'DSEX011',
    message: `Exchange integration is disabled for ${r.name} (No).`,
  }));
}

/** DSEX011 for the whole change when no assigned resource may be written. */
function nothingEnabled(
  snapshot: AppointmentSnapshot | undefined,
  plan: SyncPlan,
): DiagnosedFailure | undefined {
  if (!snapshot || snapshot.resources.length > plan.disabled.length) return undefined;
  if (snapshot.resources.length === 0) return new DiagnosedFailure('DSEX011', `${NO_RESOURCES}.`);
  const pairs = plan.disabled.map((r) => `${r.name} (No)`).join(', ');
  return new DiagnosedFailure(
    'DSEX011',
    `Exchange integration is disabled for the assigned resources: ${pairs}.`,
  );
}

/** Calls of one resource run in order (a delete in the old mailbox before the create in the new). */
function byResource(calls: readonly PlannedCall[]): PlannedCall[][] {
  const groups = new Map<string, PlannedCall[]>();
  for (const call of calls) groups.set(call.resource.id, [...(groups.get(call.resource.id) ?? []), call]);
  return [...groups.values()];
}

/** Makes Exchange match one state of an appointment. */
export async function syncAppointmentState(deps: SyncDependencies, target: SyncTarget): Promise<SyncResult> {
  const credentials = deps.readCredentials();
  if (!credentials.ok) return failedWith(credentialFailure(credentials.problems));
  const { appointmentId, snapshot } = target;
  const planned = await plan(deps, target);
  if (!snapshot && planned.calls.length === 0) {
    return failedWith(
      new DiagnosedFailure(
        'DSEX020',
        `No mapping entry: the connector has no event for appointment ${appointmentId}, so there is nothing to delete yet.`,
      ),
    );
  }
  const disabled = disabledOutcomes(planned);
  const wholeDisabled = nothingEnabled(snapshot, planned);
  const failure = wholeDisabled ? { failure: wholeDisabled } : {};
  if (planned.calls.length === 0) return { resources: disabled, retryAfterMs: 0, ...failure };

  const { clientId, tenantId } = credentials.value;
  try {
    await deps.tokens.acquireToken(credentials.value);
  } catch (error) {
    const tokenFailure = classifyFailure(error, { clientId, tenantId });
    logIfUndiagnosed(deps.log, tokenFailure, appointmentId);
    return failedWith(tokenFailure, disabled);
  }
  const context = {
    gateway: deps.calendars(credentials.value),
    mappings: target.mappings,
    log: deps.log,
    appointmentId,
    version: target.version,
    payload: snapshot && eventPayload(snapshot),
    deletesMayBeDone: target.deletesMayBeDone ?? false,
    now: deps.now,
  };
  const executed = await Promise.all(
    byResource(planned.calls).map(async (calls) => {
      const outcomes: CallOutcome[] = [];
      for (const call of calls) outcomes.push(await executeCall(context, call));
      return outcomes;
    }),
  );
  const flat = executed.flat();
  return {
    resources: [...flat.map((e) => e.outcome), ...disabled],
    retryAfterMs: Math.max(0, ...flat.map((e) => e.retryAfterMs)),
    ...failure,
  };
}
