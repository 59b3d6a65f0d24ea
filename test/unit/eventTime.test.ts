import { describe, expect, it } from 'vitest';
import { ianaZoneOf } from '../../shared/adapters/timeZones';
import { calendarDateOf, EventTimeError, utcInstantOf } from '../../shared/domain/eventTime';

const utc = (dateTime: string, timeZone: string) => utcInstantOf({ dateTime, timeZone }, ianaZoneOf);

describe('event times', () => {
  it("reads Graph's UTC form with its seven-digit fraction", () => {
    expect(utc('2026-12-02T08:00:00.0000000', 'UTC')).toBe('2026-12-02T08:00:00.000Z');
    expect(utc('2026-12-02T08:00:00.1234567', 'UTC')).toBe('2026-12-02T08:00:00.123Z');
  });

  it('places a Windows zone name and its IANA zone on the same instant, in winter and summer', () => {
    expect(utc('2026-12-02T09:00:00.0000000', 'W. Europe Standard Time')).toBe('2026-12-02T08:00:00.000Z');
    expect(utc('2026-12-02T09:00:00', 'Europe/Berlin')).toBe('2026-12-02T08:00:00.000Z');
    expect(utc('2026-07-02T09:00:00', 'W. Europe Standard Time')).toBe('2026-07-02T07:00:00.000Z');
    expect(utc('2026-07-02T09:00:00', 'Pacific Standard Time')).toBe('2026-07-02T16:00:00.000Z');
    expect(utc('2026-07-02T09:00:00', 'India Standard Time')).toBe('2026-07-02T03:30:00.000Z');
  });

  it('handles the hours around a daylight-saving change', () => {
    // Europe/Berlin: 2026-03-29 02:00 → 03:00; 2026-10-25 03:00 → 02:00.
    expect(utc('2026-03-29T01:30:00', 'Europe/Berlin')).toBe('2026-03-29T00:30:00.000Z');
    expect(utc('2026-03-29T03:30:00', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(utc('2026-10-25T01:30:00', 'Europe/Berlin')).toBe('2026-10-24T23:30:00.000Z');
    expect(utc('2026-10-25T03:30:00', 'Europe/Berlin')).toBe('2026-10-25T02:30:00.000Z');
  });

  it('names a zone it cannot place, and a time it cannot read', () => {
    expect(() => utc('2026-12-02T09:00:00', 'Customized Time Zone')).toThrow(
      new EventTimeError('unknown time zone "Customized Time Zone"'),
    );
    expect(() => utc('02/12/2026 09:00', 'UTC')).toThrow(
      new EventTimeError('"02/12/2026 09:00" is not a date and time'),
    );
  });

  it("gives an all-day event's calendar date whatever its zone", () => {
    expect(
      calendarDateOf({ dateTime: '2026-12-24T00:00:00.0000000', timeZone: 'Pacific Standard Time' }),
    ).toBe('2026-12-24');
    expect(() => calendarDateOf({ dateTime: 'soon', timeZone: 'UTC' })).toThrow(EventTimeError);
  });
});
