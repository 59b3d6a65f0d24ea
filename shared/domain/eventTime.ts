/**
 * Graph's `dateTimeTimeZone` as one instant. Graph names zones the Windows way ("W. Europe Standard
 * Time") unless asked otherwise, and sometimes the IANA way ("Europe/Berlin"); the caller supplies
 * the Windows-to-IANA lookup, since its table is not the domain's.
 */

export interface DateTimeTimeZone {
  readonly dateTime: string;
  readonly timeZone: string;
}

/** The IANA name of a Windows zone name, or undefined for one it does not know. */
export type IanaZoneOf = (windowsName: string) => string | undefined;

export class EventTimeError extends Error {
  override readonly name = 'EventTimeError';
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?Z?$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return undefined;
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** How far the zone's wall clock is ahead of UTC at the instant, in milliseconds. */
function offsetAt(formatter: Intl.DateTimeFormat, instant: number): number {
  const part = (type: string) =>
    Number(formatter.formatToParts(instant).find((candidate) => candidate.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

function zoneFormatter(timeZone: string, ianaZoneOf: IanaZoneOf): Intl.DateTimeFormat {
  const formatter = formatterFor(timeZone) ?? formatterFor(ianaZoneOf(timeZone) ?? '');
  if (formatter === undefined) throw new EventTimeError(`unknown time zone "${timeZone}"`);
  return formatter;
}

/** The instant as an ISO string in UTC (`…Z`), reading the wall time in its zone. */
export function utcInstantOf(value: DateTimeTimeZone, ianaZoneOf: IanaZoneOf): string {
  const match = WALL_TIME.exec(value.dateTime.trim());
  if (!match) throw new EventTimeError(`"${value.dateTime}" is not a date and time`);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const millis = Math.floor(Number(`0.${match[7] ?? '0'}`) * 1000);
  const wall = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0) + millis;
  if (value.timeZone.trim().toUpperCase() === 'UTC') return new Date(wall).toISOString();
  const formatter = zoneFormatter(value.timeZone.trim(), ianaZoneOf);
  // The offset at the wall time read as UTC is right except near a transition; one more step fixes it.
  const first = wall - offsetAt(formatter, wall);
  return new Date(wall - offsetAt(formatter, first)).toISOString();
}

/** The calendar date of an all-day event's boundary (Graph writes them at midnight of their zone). */
export function calendarDateOf(value: DateTimeTimeZone): string {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(value.dateTime.trim())?.[0];
  if (date === undefined) throw new EventTimeError(`"${value.dateTime}" is not a date and time`);
  return date;
}
