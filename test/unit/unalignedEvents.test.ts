import { describe, expect, it } from 'vitest';
import { currentUnalignedEvents, goneEventOf, unalignedEventOf } from '../../shared/domain/unalignedEvent';
import { InMemoryAppointmentStore } from '../support/inMemory/stateStores';
import { InMemoryUnalignedEventStore } from '../support/inMemory/unalignedEvents';

const now = new Date('2026-12-01T09:12:00Z');
const mailbox = 'room4@contoso.com';
const item = {
  eventId: 'E-1',
  removed: false,
  start: { dateTime: '2027-01-12T09:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2027-01-12T10:00:00.0000000', timeZone: 'UTC' },
  subject: 'Board meeting',
  location: 'Room 12',
};
const tag = { appointmentId: 'A-1', resourceId: 'R-7' };

describe('unaligned events', () => {
  it('say what was seen (unknown, deleted, no longer planned there), with times and never details', () => {
    const unknown = unalignedEventOf(mailbox, item, tag, undefined, now);
    expect(unknown).toEqual({
      kind: 'no appointment',
      resourceId: 'R-7',
      mailbox,
      eventId: 'E-1',
      appointmentId: 'A-1',
      start: '2027-01-12T09:00:00Z',
      end: '2027-01-12T10:00:00Z',
      seen: "The event carries the connector's tag for appointment A-1 (resource R-7), an appointment the connector does not know.",
      seenAt: now,
    });
    const state = { appointmentId: 'A-1', version: 3, changeId: 'c', receivedAt: now };
    expect(unalignedEventOf(mailbox, item, tag, { ...state, deleted: true }, now).seen).toContain(
      'which the back office deleted (version 3)',
    );
    expect(unalignedEventOf(mailbox, item, tag, { ...state, deleted: false }, now).seen).toContain(
      'which no longer plans the resource in this mailbox',
    );
    expect(JSON.stringify(unknown)).not.toMatch(/Board meeting|Room 12/);
  });

  it("drop, when listed, an entry whose event the appointment has come to map (a create's early echo)", async () => {
    const unaligned = new InMemoryUnalignedEventStore();
    const appointments = new InMemoryAppointmentStore();
    await unaligned.putUnaligned(unalignedEventOf(mailbox, item, tag, undefined, now));
    await unaligned.putUnaligned(unalignedEventOf(mailbox, { ...item, eventId: 'E-2' }, tag, undefined, now));
    const read = await appointments.getAppointment('A-1');
    await appointments.updateAppointment(read, (current) => ({
      ...current,
      mappings: [{ appointmentId: 'A-1', resourceId: 'R-7', mailbox, eventId: 'E-1', updatedAt: now }],
    }));
    const listed = await currentUnalignedEvents({ unaligned, appointments }, 'R-7');
    expect(listed.map((e) => e.eventId)).toEqual(['E-2']);
    expect((await unaligned.listUnaligned('R-7')).map((e) => e.eventId)).toEqual(['E-2']);
  });

  it('drop, when listed, a gone event once the appointment maps another (written again)', async () => {
    const unaligned = new InMemoryUnalignedEventStore();
    const appointments = new InMemoryAppointmentStore();
    const last = { start: '2027-01-12T09:00:00Z', end: '2027-01-12T10:00:00Z' };
    const gone = goneEventOf(mailbox, 'E-1', tag, last, now);
    expect(gone).toMatchObject({ kind: 'event gone', eventId: 'E-1', ...last });
    await unaligned.putUnaligned(gone);
    const mapping = { appointmentId: 'A-1', resourceId: 'R-7', mailbox, eventId: 'E-1', updatedAt: now };
    const read = await appointments.getAppointment('A-1');
    const written = await appointments.updateAppointment(read, (c) => ({ ...c, mappings: [mapping] }));
    expect(await currentUnalignedEvents({ unaligned, appointments }, 'R-7')).toEqual([gone]);
    await appointments.updateAppointment(written, (c) => ({
      ...c,
      mappings: [{ ...mapping, eventId: 'E-9' }],
    }));
    expect(await currentUnalignedEvents({ unaligned, appointments }, 'R-7')).toEqual([]);
  });
});
