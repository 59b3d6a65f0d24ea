import { describe, expect, it } from 'vitest';
import { ianaZoneOf } from '../../shared/adapters/timeZones';
import { busyBlockOf, type ForeignEvent } from '../../shared/domain/busyBlock';
import {
  DEFAULT_PRIVACY_RULE,
  DETAIL_LEVELS,
  type PrivacyRule,
  SENSITIVITIES,
  SHOW_AS_VALUES,
} from '../../shared/domain/privacyRules';

const SUBJECT = 'Dr Okafor, oncology follow-up';
const LOCATION = 'Clinic 3, Harley Street';

function event(overrides: Partial<ForeignEvent> = {}): ForeignEvent {
  return {
    eventId: 'AAMk-1',
    type: 'singleInstance',
    start: { dateTime: '2026-12-02T09:00:00.0000000', timeZone: 'W. Europe Standard Time' },
    end: { dateTime: '2026-12-02T10:00:00.0000000', timeZone: 'W. Europe Standard Time' },
    isAllDay: false,
    showAs: 'busy',
    sensitivity: 'normal',
    subject: SUBJECT,
    location: LOCATION,
    ...overrides,
  };
}

/** The event with this show-as and sensitivity, either left out as Graph does when it has none. */
function eventShowing(showAs: string | undefined, sensitivity: string | undefined): ForeignEvent {
  const { showAs: _showAs, sensitivity: _sensitivity, ...rest } = event();
  return { ...rest, ...(showAs ? { showAs } : {}), ...(sensitivity ? { sensitivity } : {}) };
}

const everyRule: PrivacyRule[] = DETAIL_LEVELS.flatMap((details) =>
  [[...SENSITIVITIES], ['normal', 'personal'] as const, ['private', 'confidential'] as const, []].map(
    (sensitivities) => ({
      showAs: ['busy', 'oof', 'tentative'] as const,
      sensitivities: [...sensitivities],
      details,
    }),
  ),
);

describe('busy blocks of foreign events', () => {
  it('the default: a busy block with its UTC times and nothing else', () => {
    expect(busyBlockOf(event(), DEFAULT_PRIVACY_RULE, ianaZoneOf)).toEqual({
      eventId: 'AAMk-1',
      start: '2026-12-02T08:00:00.000Z',
      end: '2026-12-02T09:00:00.000Z',
      isAllDay: false,
      showAs: 'busy',
      seriesId: null,
    });
  });

  it('every show-as × sensitivity × rule: excluded means no block, withheld means no subject or location', () => {
    let published = 0;
    let withDetails = 0;
    for (const rule of everyRule)
      for (const showAs of [...SHOW_AS_VALUES, 'unknown', undefined])
        for (const sensitivity of [...SENSITIVITIES, 'unknown', undefined]) {
          const block = busyBlockOf(eventShowing(showAs, sensitivity), rule, ianaZoneOf);
          const shared =
            rule.showAs.some((value) => value === showAs) &&
            rule.sensitivities.some(
              (value) =>
                value ===
                (sensitivity === 'unknown' || sensitivity === undefined ? 'confidential' : sensitivity),
            );
          expect(block !== undefined, `${showAs} ${sensitivity} ${JSON.stringify(rule)}`).toBe(shared);
          if (!block) continue;
          published += 1;
          const detailed =
            rule.details === 'subjectAndLocation' && (sensitivity === 'normal' || sensitivity === 'personal');
          const text = JSON.stringify(block);
          expect(
            text.includes(SUBJECT) || text.includes(LOCATION),
            `${showAs} ${sensitivity} ${rule.details}`,
          ).toBe(detailed);
          if (detailed) {
            withDetails += 1;
            expect(block).toMatchObject({ subject: SUBJECT, location: LOCATION });
          }
        }
    // Per detail level, 3 shared show-as × (6 + 2 + 4 + 0) shared sensitivities (unknown ones count as
    // confidential); details only under subjectAndLocation for normal and personal: 3 × (2 + 2).
    expect([published, withDetails]).toEqual([72, 12]);
  });

  it('an all-day event of several days keeps its calendar dates, the end exclusive', () => {
    const block = busyBlockOf(
      event({
        isAllDay: true,
        showAs: 'oof',
        start: { dateTime: '2026-12-24T00:00:00.0000000', timeZone: 'Pacific Standard Time' },
        end: { dateTime: '2026-12-28T00:00:00.0000000', timeZone: 'Pacific Standard Time' },
      }),
      DEFAULT_PRIVACY_RULE,
      ianaZoneOf,
    );
    expect(block).toMatchObject({ start: '2026-12-24', end: '2026-12-28', isAllDay: true, showAs: 'oof' });
  });

  it('an occurrence of a series is a block of its own with the series id; the series master is none', () => {
    const occurrence = event({ eventId: 'AAMk-occ-2', type: 'occurrence', seriesMasterId: 'AAMk-series' });
    expect(busyBlockOf(occurrence, DEFAULT_PRIVACY_RULE, ianaZoneOf)).toMatchObject({
      eventId: 'AAMk-occ-2',
      seriesId: 'AAMk-series',
    });
    expect(busyBlockOf(event({ type: 'seriesMaster' }), DEFAULT_PRIVACY_RULE, ianaZoneOf)).toBeUndefined();
  });

  it('an IANA zone gives the same instants as its Windows name', () => {
    const iana = event({
      start: { dateTime: '2026-12-02T09:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2026-12-02T10:00:00', timeZone: 'Europe/Berlin' },
    });
    expect(busyBlockOf(iana, DEFAULT_PRIVACY_RULE, ianaZoneOf)).toEqual(
      busyBlockOf(event(), DEFAULT_PRIVACY_RULE, ianaZoneOf),
    );
  });
});
