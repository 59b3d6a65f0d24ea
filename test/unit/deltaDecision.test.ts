import { describe, expect, it } from 'vitest';
import { type DeltaDecisionInput, decideDeltaItem, plannedEvent } from '../../shared/domain/deltaDecision';
import type { DeltaEvent } from '../../shared/domain/deltaItem';
import { parseDeltaItem } from '../../shared/domain/deltaItem';
import { eventPayload } from '../../shared/domain/eventPayload';
import { exchangeChangeMessages } from '../../shared/domain/exchangeChangeMessages';
import type { EventMapping } from '../../shared/domain/ports';

const tag = { appointmentId: 'A-1', resourceId: 'R-1' };
const now = new Date('2026-12-01T08:00:00Z');
const snapshot = {
  subject: 'Review',
  start: '2026-12-01T10:00:00+01:00',
  end: '2026-12-01T11:00:00+01:00',
  timeZone: 'Europe/Amsterdam',
  location: 'Room 4',
  body: '',
  isAllDay: false,
  resources: [],
};
const planned = plannedEvent(eventPayload(snapshot));
const mapping: EventMapping = {
  appointmentId: 'A-1',
  resourceId: 'R-1',
  mailbox: 'room@x.example',
  eventId: 'E-1',
  updatedAt: now,
  changeKey: 'ck-own',
};

function item(fields: Partial<Record<string, unknown>> = {}): DeltaEvent {
  const parsed = parseDeltaItem({
    id: 'E-1',
    changeKey: 'ck-own',
    subject: 'Review',
    location: { displayName: 'Room 4' },
    start: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-12-01T10:00:00.0000000', timeZone: 'UTC' },
    isAllDay: false,
    showAs: 'busy',
    responseStatus: { response: 'organizer' },
    ...fields,
  });
  if (!parsed) throw new Error('unparseable item');
  return parsed;
}

function decide(overrides: Partial<DeltaDecisionInput> = {}) {
  return decideDeltaItem({
    mailbox: 'room@x.example',
    item: item(),
    observed: undefined,
    tag,
    mapping,
    planned,
    publishDetailChanges: false,
    now,
    ...overrides,
  });
}

const moved = { changeKey: 'ck-2', start: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' } };

describe('the delta decision', () => {
  it('takes an item carrying the changeKey of the connector’s last write as its own, and remembers it', () => {
    const decision = decide();
    expect([decision.verdict, decision.changes]).toEqual(['own write', []]);
    expect(decision.observed).toMatchObject({ eventId: 'E-1', start: '2026-12-01T09:00:00Z', tag });
  });

  it('finds a move against the baseline and the plan', () => {
    const baseline = decide().observed;
    expect(decide({ item: item(moved), observed: baseline }).changes).toEqual(['moved']);
    expect(decide({ item: item(moved) }).changes, 'no baseline yet: the plan is the baseline').toEqual([
      'moved',
    ]);
  });

  it('publishes nothing for a write of the connector whose changeKey it has not recorded yet', () => {
    const baseline = decide().observed;
    const asPlanned = item({ changeKey: 'ck-not-yet-recorded' });
    expect(decide({ item: asPlanned, observed: baseline })).toMatchObject({
      verdict: 'unchanged',
      changes: [],
    });
  });

  it('publishes nothing when the event moved to where the back office now plans it', () => {
    const baseline = decide().observed;
    const replanned = plannedEvent(eventPayload({ ...snapshot, start: '2026-12-01T12:00:00+01:00' }));
    expect(decide({ item: item(moved), observed: baseline, planned: replanned }).changes).toEqual([]);
  });

  it('reports a decline or a tentative acceptance once, not again while it stays so', () => {
    const declined = item({ changeKey: 'ck-3', responseStatus: { response: 'declined' } });
    const first = decide({ item: declined, observed: decide().observed });
    expect(first.changes).toEqual(['declined']);
    expect(decide({ item: { ...declined, changeKey: 'ck-4' }, observed: first.observed }).changes).toEqual(
      [],
    );
    const tentative = item({ changeKey: 'ck-5', responseStatus: { response: 'tentativelyAccepted' } });
    expect(decide({ item: tentative, observed: first.observed }).changes).toEqual(['tentative']);
  });

  it('takes a change for the connector’s own write while the event carries a version not stored yet', () => {
    const movedItem = item({ ...moved, changeKey: 'ck-in-flight' });
    const observed = decide().observed;
    expect(decide({ item: movedItem, observed }).changes).toEqual(['moved']);
    expect(decide({ item: movedItem, observed, writeInFlight: true })).toMatchObject({
      verdict: 'own write',
      changes: [],
      observed: { changeKey: 'ck-in-flight' },
    });
  });

  it('reports subject or location changes only when asked to', () => {
    const renamed = item({ changeKey: 'ck-6', subject: 'Renamed in Outlook' });
    const observed = decide().observed;
    expect(decide({ item: renamed, observed }).changes).toEqual([]);
    expect(decide({ item: renamed, observed, publishDetailChanges: true }).changes).toEqual(['updated']);
  });

  it('reports a deletion of a mapped event, and forgets it', () => {
    const decision = decide({ item: { eventId: 'E-1', removed: true }, observed: decide().observed });
    expect([decision.verdict, decision.changes, decision.observed]).toEqual([
      'outlook change',
      ['deleted'],
      undefined,
    ]);
  });

  it('publishes nothing for events it did not write or no longer maps (the connector’s own deletes)', () => {
    expect(decide({ tag: undefined, item: item(moved) })).toMatchObject({ verdict: 'foreign', changes: [] });
    const gone = { eventId: 'E-1', removed: true };
    expect(decide({ item: gone, mapping: undefined })).toMatchObject({ verdict: 'not mapped', changes: [] });
    const recreated = { ...mapping, eventId: 'E-2' };
    expect(decide({ item: gone, mapping: recreated })).toMatchObject({ verdict: 'not mapped', changes: [] });
    // The back office deleted the appointment or took the resource off it: the connector's own delete.
    expect(decide({ item: gone, planned: undefined })).toMatchObject({
      verdict: 'not planned',
      changes: [],
      observed: undefined,
    });
  });
});

describe('the messages of a decision', () => {
  it('carry a deterministic id per mailbox, event, changeKey and kind, and the event as it is now', () => {
    const input = {
      mailbox: 'room@x.example',
      item: item(moved),
      observed: decide().observed,
      tag,
      mapping,
      now,
    };
    const decision = decide({ item: item(moved), observed: input.observed });
    const [first] = exchangeChangeMessages({ ...input, decision });
    const [again] = exchangeChangeMessages({ ...input, decision, now: new Date() });
    expect(first?.changeId).toBe(again?.changeId);
    expect(first).toMatchObject({
      kind: 'exchangeChange',
      appointmentId: 'A-1',
      resource: { id: 'R-1', mailbox: 'room@x.example' },
      change: 'moved',
      event: { eventId: 'E-1', start: '2026-12-01T11:00:00Z', end: '2026-12-01T10:00:00Z', showAs: 'busy' },
    });
    expect(first?.event).not.toHaveProperty('subject');
    const declined = decide({
      item: item({ ...moved, responseStatus: { response: 'declined' } }),
      observed: input.observed,
    });
    const both = exchangeChangeMessages({ ...input, decision: declined });
    expect(both.map((m) => m.change)).toEqual(['moved', 'declined']);
    expect(new Set(both.map((m) => m.changeId)).size).toBe(2);
  });
});
