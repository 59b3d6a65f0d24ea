import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { definition as clearUnalignedEvent } from '../../functions/clearUnalignedEvent';
import { definition as errorsPage } from '../../functions/errorsPage';
import { definition as unalignedEvents } from '../../functions/unalignedEvents';
import { CONNECTOR_TAG_PROPERTY_ID, connectorTagValue } from '../../shared/domain/connectorTag';
import type { Caller } from '../../shared/http/auth/roles';
import { readLocalPrincipal } from '../../shared/settings';
import { type RunningHttpFunctions, serveHttpFunctions } from '../../stand-ins/host/httpRunner';
import { blocksOf, januaryDay, wall, watchedRoom } from '../support/busyBlockScenario';
import { upsert } from '../support/changes';
import { eventually } from '../support/eventually';
import { type TwoWayHarness, useTwoWayHarness } from '../support/twoWayHarness';

const harness = useTwoWayHarness();
let h: TwoWayHarness;
let http: RunningHttpFunctions;
let caller: Caller = readLocalPrincipal({});
beforeAll(async () => {
  http = await serveHttpFunctions([unalignedEvents, clearUnalignedEvent, errorsPage], {
    port: 0,
    host: '127.0.0.1',
    signIn: () => caller,
  });
});
afterAll(async () => {
  await http.stop();
});
beforeEach(() => {
  h = harness();
  caller = readLocalPrincipal({});
});

const api = (query: Record<string, string>, method = 'GET') =>
  fetch(`${http.url}/${http.routePrefix}/unaligned-events?${new URLSearchParams(query)}`, { method });

interface ListAnswer {
  resourceId: string;
  items: Array<Record<string, string>>;
}

const listedCount = (resourceId: string, count: number) =>
  eventually(
    `${count} unaligned event(s) listed`,
    async () => ((await (await api({ resourceId })).json()) as ListAnswer).items.length === count,
    15_000,
  );

/** An event carrying the connector's tag for an appointment it never knew (a copy, a restore). */
async function orphan() {
  const { room, resourceId } = await watchedRoom(h);
  const appointmentId = `A-gone-${randomUUID().slice(0, 8)}`;
  const day = januaryDay(12);
  const eventId = h.sandbox.graph.createInOutlook(room, {
    subject: 'Copied board meeting',
    location: 'Room 12',
    start: wall(day, '09:00', 'UTC'),
    end: wall(day, '10:00', 'UTC'),
    extendedProperties: [
      { id: CONNECTOR_TAG_PROPERTY_ID, value: connectorTagValue({ appointmentId, resourceId }) },
    ],
  });
  await h.settle();
  return { room, resourceId, appointmentId, eventId, day };
}

describe('unaligned events: tagged events whose appointment the connector does not know', () => {
  it('are listed per resource with their times and what was seen, never their details, and never as busy blocks', async () => {
    const { room, resourceId, appointmentId, eventId, day } = await orphan();
    const listed = await eventually(
      'the unaligned event listed',
      async () => {
        const answer = (await (await api({ resourceId })).json()) as ListAnswer;
        return answer.items.length > 0 ? answer : undefined;
      },
      15_000,
    );
    expect(listed.items).toEqual([
      expect.objectContaining({
        resourceId,
        mailbox: room,
        eventId,
        appointmentId,
        start: `${day}T09:00:00Z`,
        end: `${day}T10:00:00Z`,
        seen: expect.stringContaining('an appointment the connector does not know'),
      }),
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/Copied board meeting|Room 12/);
    const page = await (
      await fetch(`${http.url}/${http.routePrefix}/errors-page?${new URLSearchParams({ resourceId })}`)
    ).text();
    expect(page).toContain(`data-clear-unaligned="${eventId}" data-resource-id="${resourceId}"`);
    expect(page).not.toMatch(/Copied board meeting|Room 12/);
    expect(blocksOf(h, eventId)).toEqual([]);
    expect(((await (await api({ resourceId: 'R-other' })).json()) as ListAnswer).items).toEqual([]);
    expect((await api({})).status).toBe(400);
  });

  it('are cleared by the delete route (Errors.Replay only), the Exchange event left alone', async () => {
    const { room, resourceId, eventId } = await orphan();
    await listedCount(resourceId, 1);
    caller = readLocalPrincipal({ LOCAL_PRINCIPAL_ROLES: 'Errors.Read' });
    expect((await api({ resourceId, eventId }, 'DELETE')).status).toBe(403);
    caller = readLocalPrincipal({});
    expect((await api({ resourceId, eventId }, 'DELETE')).status).toBe(204);
    expect(((await (await api({ resourceId })).json()) as ListAnswer).items).toEqual([]);
    expect((await api({ resourceId, eventId }, 'DELETE')).status).toBe(404);
    expect(h.sandbox.graph.events(room).map((e) => e.id)).toContain(eventId);
  });

  it("list a mapping whose event was deleted in Outlook, until the back office's next change writes it again", async () => {
    const room = `room-${randomUUID().slice(0, 8)}@${h.sandbox.tenant.domain}`;
    const appointmentId = `A-${randomUUID().slice(0, 8)}`;
    const times = {
      start: new Date(Date.now() + 86_400_000).toISOString(),
      end: new Date(Date.now() + 90_000_000).toISOString(),
    };
    const first = upsert(appointmentId, 1, [{ id: 'R-1', mailbox: room }], times);
    await h.send(first);
    await h.waitForTransaction(first.changeId);
    await eventually(`a subscription for ${room}`, () => h.sandbox.graph.subscriptions(room)[0], 15_000);
    await h.settle();
    const eventId = h.sandbox.graph.events(room)[0]?.id ?? 'none';
    h.sandbox.graph.deleteInOutlook(room, eventId);
    await h.settle();
    await listedCount('R-1', 1);
    const [gone] = ((await (await api({ resourceId: 'R-1' })).json()) as ListAnswer).items;
    expect(gone).toMatchObject({ kind: 'event gone', eventId, appointmentId, mailbox: room });
    const second = upsert(appointmentId, 2, [{ id: 'R-1', mailbox: room }], times);
    await h.send(second);
    await h.waitForTransaction(second.changeId);
    await listedCount('R-1', 0);
    expect(h.sandbox.graph.events(room)).toHaveLength(1);
  });

  it('leave the list once the event is deleted in Exchange', async () => {
    const { room, resourceId, eventId } = await orphan();
    await listedCount(resourceId, 1);
    h.sandbox.graph.deleteInOutlook(room, eventId);
    await h.settle();
    await listedCount(resourceId, 0);
    expect(await h.connector().stores.unaligned.listUnaligned(resourceId)).toEqual([]);
  });
});
