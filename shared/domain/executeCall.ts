import { catalogueEntry } from './catalogue';
import { classifyFailure } from './classifyFailure';
import { connectorProperties } from './connectorTag';
import type { GraphEventPayload } from './eventPayload';
import { GraphRequestError } from './failures';
import { eventTransactionId } from './ids';
import type { CalendarGateway, MappingStore, OperationalLog, WrittenEvent } from './ports';
import type { PlannedCall } from './syncPlan';
import type { ResourceOutcome } from './transaction';
import { logIfUndiagnosed } from './undiagnosed';

/** What one planned call needs: the mailbox's gateway, the mappings, and the event to write. */
export interface CallContext {
  readonly gateway: CalendarGateway;
  readonly mappings: MappingStore;
  readonly log: OperationalLog;
  readonly appointmentId: string;
  /** The appointment version being written (the events carry it, see `connectorTag.ts`). */
  readonly version: number;
  /** The event body; absent when the appointment was deleted. */
  readonly payload: GraphEventPayload | undefined;
  /** Another sync of the appointment may have made some of these deletes already. */
  readonly deletesMayBeDone: boolean;
  readonly now: () => Date;
}

export interface CallOutcome {
  readonly outcome: ResourceOutcome;
  readonly retryAfterMs: number;
}

interface Written {
  readonly event?: WrittenEvent;
  readonly message: string;
}

/** The appointment's event, tagged with the appointment and this resource. */
function payloadOf(context: CallContext, call: PlannedCall): GraphEventPayload {
  if (!context.payload) throw new Error(`${call.action} planned for a deleted appointment`);
  const tag = { appointmentId: context.appointmentId, resourceId: call.resource.id };
  return { ...context.payload, singleValueExtendedProperties: connectorProperties(tag, context.version) };
}

function isItemNotFound(error: unknown): boolean {
  return (
    error instanceof GraphRequestError &&
    error.details.httpStatus === 404 &&
    error.details.graphCode === 'ErrorItemNotFound'
  );
}

/** `generation` changes only when the event is recreated after someone deleted it in Outlook. */
function create(context: CallContext, call: PlannedCall, generation: string): Promise<WrittenEvent> {
  const { resource, mailbox } = call;
  const transactionId = eventTransactionId(context.appointmentId, resource.id, mailbox, generation);
  return context.gateway.createEvent(mailbox, payloadOf(context, call), transactionId);
}

async function write(context: CallContext, call: PlannedCall): Promise<Written> {
  switch (call.action) {
    case 'create':
      return { event: await create(context, call, ''), message: 'Event created.' };
    case 'update':
      try {
        const event = await context.gateway.updateEvent(call.mailbox, call.eventId, payloadOf(context, call));
        return { event, message: 'Event updated.' };
      } catch (error) {
        if (!isItemNotFound(error)) throw error;
        const event = await create(context, call, call.eventId);
        return { event, message: 'Event recreated: it had been deleted in Outlook.' };
      }
    case 'delete':
      try {
        await context.gateway.deleteEvent(call.mailbox, call.eventId);
        return { message: 'Event deleted.' };
      } catch (error) {
        // e.g. redelivered, the change is done again from the mappings stored before its earlier delivery.
        if (!context.deletesMayBeDone || !isItemNotFound(error)) throw error;
        return { message: 'Event already deleted, most likely by another sync of this appointment.' };
      }
  }
}

/**
 * One Graph call and the mapping write that follows it. Only the Graph call is diagnosed here: a
 * mapping write that fails throws, so the change is redelivered rather than recorded half-done.
 */
export async function executeCall(context: CallContext, call: PlannedCall): Promise<CallOutcome> {
  const { resource, mailbox } = call;
  const outcome = (fields: Pick<ResourceOutcome, 'status' | 'message'> & Partial<ResourceOutcome>) => ({
    resourceId: resource.id,
    name: resource.name,
    mailbox,
    action: call.action,
    ...fields,
  });
  let written: Written;
  try {
    written = await write(context, call);
  } catch (error) {
    const failure = classifyFailure(error, {
      graphCall: { action: call.action, mailbox, resourceName: resource.name },
    });
    logIfUndiagnosed(context.log, failure, context.appointmentId);
    if (failure.code === 'DSEX021') await context.mappings.deleteMapping(context.appointmentId, resource.id);
    const { status } = catalogueEntry(failure.code);
    return {
      outcome: outcome({ status, code: failure.code, message: failure.message }),
      retryAfterMs: failure.retryAfterMs ?? 0,
    };
  }
  if (call.action === 'delete') await context.mappings.deleteMapping(context.appointmentId, resource.id);
  else if (written.event)
    await context.mappings.putMapping({
      appointmentId: context.appointmentId,
      resourceId: resource.id,
      mailbox,
      eventId: written.event.eventId,
      updatedAt: context.now(),
      ...(written.event.changeKey ? { changeKey: written.event.changeKey } : {}),
    });
  const eventId = written.event?.eventId;
  return {
    outcome: outcome({ status: 'Success', message: written.message, ...(eventId ? { eventId } : {}) }),
    retryAfterMs: 0,
  };
}
