import { randomUUID } from 'node:crypto';
import type { BusyBlockMessage } from '../../shared/domain/busyBlockChange';
import { resourceChange } from './changes';
import { eventually } from './eventually';
import type { TwoWayHarness } from './twoWayHarness';

/** A room whose resource the back office enabled (with its own privacy parts, if any), its baseline read. */
export async function watchedRoom(
  h: TwoWayHarness,
  privacy?: Record<string, unknown>,
): Promise<{ room: string; resourceId: string }> {
  const room = `room-${randomUUID().slice(0, 8)}@${h.sandbox.tenant.domain}`;
  const resourceId = `R-${randomUUID().slice(0, 8)}`;
  const change = resourceChange({ id: resourceId, mailbox: room }, new Date().toISOString());
  await h.send({
    ...change,
    changeId: randomUUID(),
    resource: { ...change.resource, ...(privacy ? { privacy } : {}) },
  });
  await eventually(`a subscription for ${room}`, () => h.sandbox.graph.subscriptions(room)[0], 15_000);
  await eventually(
    `the baseline delta of ${room}`,
    async () => (await h.connector().stores.mailboxSync.getDeltaLink(room)) !== undefined,
    15_000,
  );
  await h.settle();
  return { room, resourceId };
}

/** The busy blocks published for one event, in arrival order. */
export const blocksOf = (h: TwoWayHarness, eventId: string): BusyBlockMessage[] =>
  h.busyBlocks.filter((m) => m.block.eventId === eventId);

/** A day in January ahead (inside the delta window): fixed offsets, W. Europe +1, Eastern −5. */
export function januaryDay(day = 15): string {
  return `${new Date().getUTCFullYear() + 1}-01-${String(day).padStart(2, '0')}`;
}

export const wall = (date: string, time: string, timeZone: string) => ({
  dateTime: `${date}T${time}:00.0000000`,
  timeZone,
});
