import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { connector } from '../connector';
import { currentUnalignedEvents, type UnalignedEvent } from '../domain/unalignedEvent';
import { jsonResponse, problemResponse } from './responses';

const view = (event: UnalignedEvent) => ({ ...event, seenAt: event.seenAt.toISOString() });

function required(request: HttpRequest, name: string): string | undefined {
  return request.query.get(name)?.trim() || undefined;
}

/** `GET unaligned-events?resourceId=`: the resource's tagged events that match no known appointment. */
export async function listUnalignedEvents(request: HttpRequest): Promise<HttpResponseInit> {
  const instance = connector();
  const secrets = instance.secrets();
  const resourceId = required(request, 'resourceId');
  if (!resourceId) return problemResponse(400, 'resourceId is required.', secrets, 'resourceId');
  const items = await currentUnalignedEvents(instance.stores, resourceId);
  items.sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));
  return jsonResponse(200, { resourceId, items: items.map(view) }, secrets);
}

/** `DELETE unaligned-events?resourceId=&eventId=`: clears the entry; the Exchange event is left alone. */
export async function clearUnalignedEvent(request: HttpRequest): Promise<HttpResponseInit> {
  const instance = connector();
  const secrets = instance.secrets();
  const resourceId = required(request, 'resourceId');
  const eventId = required(request, 'eventId');
  if (!resourceId) return problemResponse(400, 'resourceId is required.', secrets, 'resourceId');
  if (!eventId) return problemResponse(400, 'eventId is required.', secrets, 'eventId');
  const cleared = await instance.stores.unaligned.deleteUnaligned(resourceId, eventId);
  if (!cleared)
    return problemResponse(
      404,
      `No unaligned event ${eventId} is listed for resource ${resourceId}.`,
      secrets,
    );
  return { status: 204 };
}
