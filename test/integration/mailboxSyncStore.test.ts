import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableStores } from '../../shared/adapters/tables';
import type { MailboxSyncStore, ObservedEvent } from '../../shared/domain/twoWayPorts';
import type { UnalignedEventStore } from '../../shared/domain/unalignedEvent';
import { type RunningAzurite, startAzurite } from '../../stand-ins/azurite';

let azurite: RunningAzurite;
let store: MailboxSyncStore;
let unaligned: UnalignedEventStore;

beforeAll(async () => {
  azurite = await startAzurite();
  const stores = createTableStores(
    { kind: 'connectionString', connectionString: azurite.connectionString },
    { tablePrefix: 'sync' },
  );
  store = stores.mailboxSync;
  unaligned = stores.unaligned;
});

afterAll(async () => {
  await azurite?.stop();
});

describe('MailboxSync on Azurite', () => {
  it('keeps one subscription per mailbox, found by mailbox (any case) or by subscription id', async () => {
    const expiresAt = new Date('2026-12-08T09:00:00Z');
    await store.putSubscription({ mailbox: 'Room/4#@contoso.example', subscriptionId: 'S-1', expiresAt });
    await store.putSubscription({ mailbox: 'room/4#@contoso.example', subscriptionId: 'S-2', expiresAt });
    await store.putSubscription({ mailbox: 'other@contoso.example', subscriptionId: 'S-3', expiresAt });
    expect(await store.getSubscription('ROOM/4#@contoso.example')).toEqual({
      mailbox: 'room/4#@contoso.example',
      subscriptionId: 's-2',
      expiresAt,
    });
    expect((await store.findSubscription('S-3'))?.mailbox).toBe('other@contoso.example');
    expect(await store.findSubscription('S-1')).toBeUndefined();
    expect((await store.listSubscriptions()).map((s) => s.subscriptionId).sort()).toEqual(['s-2', 's-3']);
    await store.deleteSubscription('other@contoso.example');
    await store.deleteSubscription('never@contoso.example');
    expect(await store.findSubscription('S-3')).toBeUndefined();
  });

  it('keeps and forgets a delta link per mailbox', async () => {
    const link = `https://graph.microsoft.com/v1.0/users/x/calendarView/delta?$deltatoken=${'t'.repeat(2000)}`;
    await store.putDeltaLink('room@contoso.example', link);
    expect(await store.getDeltaLink('Room@Contoso.example')).toBe(link);
    await store.putDeltaLink('room@contoso.example', undefined);
    expect(await store.getDeltaLink('room@contoso.example')).toBeUndefined();
  });

  it('keeps observed events per mailbox, tag and all, with Exchange ids that need encoding', async () => {
    const tagged: ObservedEvent = {
      mailbox: 'room@contoso.example',
      eventId: 'AAMkAG+/abc==',
      tag: { appointmentId: 'A/1', resourceId: 'R 7' },
      changeKey: 'ck+/=',
      start: '2026-12-01T09:00:00Z',
      end: '2026-12-01T10:00:00Z',
      isAllDay: false,
      response: 'declined',
      details: 'abc123',
      seenAt: new Date('2026-12-01T08:00:00Z'),
    };
    const foreign: ObservedEvent = { mailbox: 'room@contoso.example', eventId: 'E-2', seenAt: new Date(0) };
    await store.putObserved(tagged);
    await store.putObserved(foreign);
    await store.putObserved({ ...foreign, mailbox: 'other@contoso.example' });
    expect(await store.getObserved('room@contoso.example', 'AAMkAG+/abc==')).toEqual(tagged);
    expect(await store.getObserved('room@contoso.example', 'E-2')).toEqual(foreign);
    expect((await store.listObserved('room@contoso.example')).map((o) => o.eventId).sort()).toEqual([
      'AAMkAG+/abc==',
      'E-2',
    ]);
    await store.deleteObserved('room@contoso.example', 'AAMkAG+/abc==');
    expect(await store.getObserved('room@contoso.example', 'AAMkAG+/abc==')).toBeUndefined();
    expect(await store.listObserved('other@contoso.example')).toHaveLength(1);
  });

  it("keeps a foreign event's last published block, and the resource of each mailbox", async () => {
    const withBlock: ObservedEvent = {
      mailbox: 'room@contoso.example',
      eventId: 'E-3',
      details: 'def456',
      block: {
        eventId: 'E-3',
        start: '2027-01-15T07:00:00.000Z',
        end: '2027-01-15T08:00:00.000Z',
        isAllDay: false,
        showAs: 'busy',
        seriesId: 'S/1+',
        details: '0123abcd',
      },
      seenAt: new Date('2026-12-01T08:00:00Z'),
    };
    await store.putObserved(withBlock);
    expect(await store.getObserved('room@contoso.example', 'E-3')).toEqual(withBlock);
    expect(await store.getMailboxResource('Room@contoso.example')).toBeUndefined();
    await store.putMailboxResource('Room@contoso.example', 'R/7 #');
    expect(await store.getMailboxResource('room@CONTOSO.example')).toBe('R/7 #');
  });

  it('keeps unaligned events per resource, and clears one entry', async () => {
    const entry = {
      kind: 'event gone' as const,
      resourceId: 'R/7 #',
      mailbox: 'room@contoso.example',
      eventId: 'AAMkAG+/x==',
      appointmentId: 'A-gone',
      start: '2027-01-12T09:00:00Z',
      end: '2027-01-12T10:00:00Z',
      seen: 'The event carries the tag of an appointment the connector does not know.',
      seenAt: new Date('2026-12-01T08:00:00Z'),
    };
    await unaligned.putUnaligned(entry);
    await unaligned.putUnaligned({ ...entry, resourceId: 'R-8' });
    expect(await unaligned.listUnaligned('R/7 #')).toEqual([entry]);
    expect(await unaligned.deleteUnaligned('R/7 #', entry.eventId)).toBe(true);
    expect(await unaligned.deleteUnaligned('R/7 #', entry.eventId)).toBe(false);
    expect(await unaligned.listUnaligned('R/7 #')).toEqual([]);
    expect(await unaligned.listUnaligned('R-8')).toHaveLength(1);
  });
});
