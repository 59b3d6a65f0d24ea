import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { mailboxOutcomeId } from '../../shared/domain/exchangeChangeRows';
import { blocksOf, januaryDay, wall, watchedRoom } from '../support/busyBlockScenario';
import { upsert } from '../support/changes';
import { eventually } from '../support/eventually';
import { type TwoWayHarness, useTwoWayHarness } from '../support/twoWayHarness';

const harness = useTwoWayHarness();
let h: TwoWayHarness;
beforeEach(() => {
  h = harness();
});

const day = januaryDay();
const meeting = {
  subject: 'Dentist, root canal',
  location: 'Smile clinic',
  start: wall(day, '08:00', 'W. Europe Standard Time'),
  end: wall(day, '09:00', 'W. Europe Standard Time'),
};

/** Waits until the event has `count` blocks published, then answers them. */
async function published(eventId: string, count: number) {
  await h.settle();
  await eventually(`${count} busy block(s) of the event`, () => blocksOf(h, eventId).length >= count, 15_000);
  return blocksOf(h, eventId);
}

describe('busy blocks: Outlook events the connector did not write reach the back office', () => {
  it('created without details, moved, then deleted (the default rule)', async () => {
    const { room, resourceId } = await watchedRoom(h);
    const eventId = h.sandbox.graph.createInOutlook(room, meeting);
    const [created] = await published(eventId, 1);
    expect(created).toMatchObject({
      kind: 'busyBlock',
      change: 'created',
      resource: { id: resourceId, mailbox: room },
      block: {
        eventId,
        start: `${day}T07:00:00.000Z`,
        end: `${day}T08:00:00.000Z`,
        isAllDay: false,
        showAs: 'busy',
        seriesId: null,
      },
    });
    expect(created?.block).not.toHaveProperty('subject');
    expect(created?.block).not.toHaveProperty('location');

    h.sandbox.graph.changeInOutlook(room, eventId, {
      start: wall(day, '10:00', 'Europe/Berlin'),
      end: wall(day, '11:30', 'Europe/Berlin'),
    });
    const [, moved] = await published(eventId, 2);
    expect(moved).toMatchObject({
      change: 'moved',
      block: { eventId, start: `${day}T09:00:00.000Z`, end: `${day}T10:30:00.000Z` },
    });

    h.sandbox.graph.deleteInOutlook(room, eventId);
    const [, , deleted] = await published(eventId, 3);
    expect(deleted).toMatchObject({ change: 'deleted', block: { eventId, start: `${day}T09:00:00.000Z` } });
    expect(new Set(blocksOf(h, eventId).map((m) => m.changeId)).size).toBe(3);
    expect(await h.connector().stores.mailboxSync.getObserved(room, eventId)).toBeUndefined();
  });

  it("names the resource of the connector's first event in the mailbox, and never publishes that event as a block", async () => {
    const room = `room-${randomUUID().slice(0, 8)}@${h.sandbox.tenant.domain}`;
    const change = upsert(`A-${randomUUID().slice(0, 8)}`, 1, [{ id: 'R-9', mailbox: room }], {
      start: new Date(Date.now() + 86_400_000).toISOString(),
      end: new Date(Date.now() + 90_000_000).toISOString(),
    });
    await h.send(change);
    await h.waitForTransaction(change.changeId);
    await eventually(`a subscription for ${room}`, () => h.sandbox.graph.subscriptions(room)[0], 15_000);
    await h.settle();
    const own = h.sandbox.graph.events(room)[0]?.id ?? 'none';
    const eventId = h.sandbox.graph.createInOutlook(room, meeting);
    const [created] = await published(eventId, 1);
    expect(created?.resource).toEqual({ id: 'R-9', mailbox: room });
    expect(blocksOf(h, own)).toEqual([]);
  });

  it('never publishes an excluded show-as (free), and deletes a block once its event becomes free', async () => {
    const { room } = await watchedRoom(h);
    const free = h.sandbox.graph.createInOutlook(room, { ...meeting, showAs: 'free' });
    const busy = h.sandbox.graph.createInOutlook(room, { ...meeting, subject: 'Gym' });
    await published(busy, 1);
    h.sandbox.graph.changeInOutlook(room, busy, { showAs: 'free' });
    const [, gone] = await published(busy, 2);
    expect(gone?.change).toBe('deleted');
    await h.runPeriodicDelta();
    expect(blocksOf(h, free)).toEqual([]);
  });

  it("shares a normal event's subject and location under the resource's own details=subjectAndLocation, never a private one's", async () => {
    const { room } = await watchedRoom(h, { details: 'subjectAndLocation' });
    const normal = h.sandbox.graph.createInOutlook(room, meeting);
    const secret = h.sandbox.graph.createInOutlook(room, {
      ...meeting,
      subject: 'Therapy session',
      location: 'Dr. Who, Baker Street',
      sensitivity: 'private',
    });
    const [shared] = await published(normal, 1);
    expect(shared?.block).toMatchObject({ subject: meeting.subject, location: meeting.location });
    const [withheld] = await published(secret, 1);
    expect(withheld?.change).toBe('created');
    expect(withheld?.block).not.toHaveProperty('subject');
    expect(withheld?.block).not.toHaveProperty('location');
    // What the connector keeps of a shared block is a hash, never the text.
    const observed = await h.connector().stores.mailboxSync.getObserved(room, normal);
    expect(JSON.stringify(observed)).not.toContain('Dentist');
  });

  it('publishes each occurrence of a recurring series as its own block, with the series id', async () => {
    const { room } = await watchedRoom(h);
    const instances = [15, 16, 17].map((d) => ({
      start: wall(januaryDay(d), '13:00', 'Eastern Standard Time'),
      end: wall(januaryDay(d), '14:00', 'Eastern Standard Time'),
    }));
    const { seriesId, occurrenceIds } = h.sandbox.graph.createSeriesInOutlook(
      room,
      { ...meeting, showAs: 'oof' },
      instances,
    );
    for (const [index, id] of occurrenceIds.entries()) {
      const [block] = await published(id, 1);
      expect(block?.block).toMatchObject({
        seriesId,
        showAs: 'oof',
        start: `${januaryDay(15 + index)}T18:00:00.000Z`,
        end: `${januaryDay(15 + index)}T19:00:00.000Z`,
      });
    }
    expect(blocksOf(h, seriesId)).toEqual([]);
  });

  it('publishes an all-day, multi-day event by its dates', async () => {
    const { room } = await watchedRoom(h);
    const eventId = h.sandbox.graph.createInOutlook(room, {
      subject: 'Holiday',
      isAllDay: true,
      showAs: 'oof',
      start: wall(januaryDay(20), '00:00', 'W. Europe Standard Time'),
      end: wall(januaryDay(23), '00:00', 'W. Europe Standard Time'),
    });
    const [block] = await published(eventId, 1);
    expect(block?.block).toMatchObject({
      isAllDay: true,
      start: januaryDay(20),
      end: januaryDay(23),
      showAs: 'oof',
    });
  });

  it('records DSEX075 naming an unusable PRIVACY_DEFAULT_RULE, and publishes no block meanwhile', async () => {
    const { room } = await watchedRoom(h);
    h.setSetting('PRIVACY_DEFAULT_RULE', 'showAs=busy,away;details=none');
    const eventId = h.sandbox.graph.createInOutlook(room, meeting);
    try {
      await h.settle();
      await h.runPeriodicDelta();
    } finally {
      // Not a harness setting, so the harness does not restore it after the test.
      h.setSetting('PRIVACY_DEFAULT_RULE', undefined);
    }
    const row = await h
      .connector()
      .stores.transactions.getTransaction(mailboxOutcomeId('two-way sync settings', 'DSEX075', new Date()));
    expect(row).toMatchObject({ code: 'DSEX075', status: 'InvalidBackOfficeSettings' });
    expect(row?.message).toMatch(/PRIVACY_DEFAULT_RULE .*"away"/);
    expect(blocksOf(h, eventId)).toEqual([]);
  });
});
