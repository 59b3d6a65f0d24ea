import { describe, expect, it } from 'vitest';
import { ianaZoneOf } from '../../shared/adapters/timeZones';
import { rememberedBlock } from '../../shared/domain/busyBlockChange';
import type { DeltaEvent } from '../../shared/domain/deltaItem';
import {
  type BusyBlockDependencies,
  foreignBlockOutcome,
  type MailboxResource,
  mailboxResourceOf,
} from '../../shared/domain/foreignEventBlock';
import { DEFAULT_PRIVACY_RULE, parsePrivacyRule } from '../../shared/domain/privacyRules';
import { InMemoryMailboxSyncStore } from '../support/inMemory/mailboxSync';
import { CapturingLog } from '../support/inMemory/queueAndLog';
import { InMemoryResourceStore } from '../support/inMemory/stateStores';

const mailbox = 'room4@contoso.com';
const now = new Date('2026-12-01T09:12:00Z');

function dependencies(): BusyBlockDependencies & { log: CapturingLog } {
  return {
    sync: new InMemoryMailboxSyncStore(),
    resources: new InMemoryResourceStore(),
    privacyDefault: parsePrivacyRule('showAs=busy;details=none'),
    ianaZoneOf,
    log: new CapturingLog(() => []),
  };
}

const item: DeltaEvent = {
  eventId: 'E-1',
  removed: false,
  changeKey: 'ck-1',
  start: { dateTime: '2027-01-15T08:00:00.0000000', timeZone: 'W. Europe Standard Time' },
  end: { dateTime: '2027-01-15T09:00:00.0000000', timeZone: 'W. Europe Standard Time' },
  showAs: 'busy',
  sensitivity: 'normal',
  subject: 'Dentist',
  location: 'Smile clinic',
};

describe("a mailbox's resource and its rule", () => {
  it('is the one the watch request named, its own parts over the organisation default', async () => {
    const deps = dependencies();
    await deps.sync.putMailboxResource(mailbox, 'R-7');
    await deps.resources.saveResourceIfNewer({
      id: 'R-7',
      name: 'Room 4',
      mailbox,
      exchangeEnabled: true,
      changedAt: now,
      privacy: { details: 'subjectAndLocation' },
    });
    expect(await mailboxResourceOf(deps, 'Room4@contoso.com')).toEqual({
      id: 'R-7',
      rule: { ...deps.privacyDefault, details: 'subjectAndLocation' },
    });
  });

  it('else the resource in the tag of an event the connector wrote there, then remembered; else none', async () => {
    const deps = dependencies();
    expect(await mailboxResourceOf(deps, mailbox)).toBeUndefined();
    await deps.sync.putObserved({ mailbox, eventId: 'F-1', seenAt: now });
    await deps.sync.putObserved({
      mailbox,
      eventId: 'T-1',
      tag: { appointmentId: 'A-1', resourceId: 'R-9' },
      seenAt: now,
    });
    expect(await mailboxResourceOf(deps, mailbox)).toEqual({ id: 'R-9', rule: deps.privacyDefault });
    expect(await deps.sync.getMailboxResource(mailbox)).toBe('R-9');
  });
});

describe('a foreign event as a busy block', () => {
  const resource: MailboxResource = { id: 'R-7', rule: DEFAULT_PRIVACY_RULE };

  it('publishes nothing and keeps what it knew while the resource is unknown', () => {
    const previous = {
      eventId: 'E-1',
      start: 'a',
      end: 'b',
      isAllDay: false,
      showAs: 'busy' as const,
      seriesId: null,
    };
    const observed = { mailbox, eventId: 'E-1', block: previous, seenAt: now };
    expect(
      foreignBlockOutcome(dependencies(), { mailbox, item, observed, resource: undefined, now }),
    ).toEqual({
      message: undefined,
      remembered: previous,
    });
  });

  it('remembers the block with its details hashed, and publishes a version once', () => {
    const detailed = { id: 'R-7', rule: parsePrivacyRule('details=subjectAndLocation') };
    const first = foreignBlockOutcome(dependencies(), {
      mailbox,
      item,
      observed: undefined,
      resource: detailed,
      now,
    });
    expect(first.message?.block).toMatchObject({ subject: 'Dentist', start: '2027-01-15T07:00:00.000Z' });
    expect(JSON.stringify(first.remembered)).not.toMatch(/Dentist|Smile/);
    const observed = {
      mailbox,
      eventId: 'E-1',
      changeKey: 'ck-1',
      ...(first.remembered ? { block: first.remembered } : {}),
      seenAt: now,
    };
    const again = foreignBlockOutcome(dependencies(), { mailbox, item, observed, resource: detailed, now });
    expect(again).toEqual({ message: undefined, remembered: first.remembered });
  });

  it('deletes the block once the event is gone', () => {
    const block = rememberedBlock({
      eventId: 'E-1',
      start: 'a',
      end: 'b',
      isAllDay: false,
      showAs: 'busy',
      seriesId: null,
    });
    const observed = { mailbox, eventId: 'E-1', changeKey: 'ck-1', block, seenAt: now };
    const gone = foreignBlockOutcome(dependencies(), {
      mailbox,
      item: { eventId: 'E-1', removed: true },
      observed,
      resource,
      now,
    });
    expect(gone.message).toMatchObject({ change: 'deleted', block: { eventId: 'E-1' } });
    expect(gone.remembered).toBeUndefined();
  });

  it('logs a time it cannot place (the zone, never the details) and changes nothing', () => {
    const deps = dependencies();
    const lost = { ...item, start: { dateTime: '2027-01-15T08:00:00', timeZone: 'Atlantis Standard Time' } };
    expect(foreignBlockOutcome(deps, { mailbox, item: lost, observed: undefined, resource, now })).toEqual({
      message: undefined,
      remembered: undefined,
    });
    expect(deps.log.text()).toContain('Atlantis Standard Time');
    expect(deps.log.text()).not.toMatch(/Dentist|Smile/);
  });
});
