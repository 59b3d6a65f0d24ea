import { calendarDateOf, type DateTimeTimeZone, type IanaZoneOf, utcInstantOf } from './eventTime';
import {
  type PrivacyRule,
  SENSITIVITIES,
  type Sensitivity,
  SHOW_AS_VALUES,
  type ShowAs,
  WITHHELD_SENSITIVITIES,
} from './privacyRules';

/** An Outlook event the connector did not write, as Graph's calendar view or delta returns it. */
export interface ForeignEvent {
  readonly eventId: string;
  /** `singleInstance`, `occurrence`, `exception` or `seriesMaster`. */
  readonly type?: string;
  readonly seriesMasterId?: string;
  readonly start: DateTimeTimeZone;
  readonly end: DateTimeTimeZone;
  readonly isAllDay: boolean;
  readonly showAs?: string;
  readonly sensitivity?: string;
  readonly subject?: string;
  readonly location?: string;
}

/** What the back office learns of a foreign event: `block` of a `busyBlock` message (DESIGN.md). */
export interface BusyBlock {
  readonly eventId: string;
  /** UTC instants (`…Z`); for an all-day event the calendar dates, the end exclusive. */
  readonly start: string;
  readonly end: string;
  readonly isAllDay: boolean;
  readonly showAs: ShowAs;
  readonly seriesId: string | null;
  readonly subject?: string;
  readonly location?: string;
}

// Graph leaves showAs and sensitivity out when they are unknown; treat them as the strictest.
const showAsOf = (value: string | undefined): ShowAs | undefined =>
  SHOW_AS_VALUES.find((candidate) => candidate === value);
const sensitivityOf = (value: string | undefined): Sensitivity =>
  SENSITIVITIES.find((candidate) => candidate === value) ?? 'confidential';

/**
 * The busy block a rule lets the back office see of an event, or undefined when the rule excludes
 * it. A series master is never a block of its own: its occurrences are, each with the series id.
 * Throws EventTimeError for a time it cannot place.
 */
export function busyBlockOf(
  event: ForeignEvent,
  rule: PrivacyRule,
  ianaZoneOf: IanaZoneOf,
): BusyBlock | undefined {
  if (event.type === 'seriesMaster') return undefined;
  const showAs = showAsOf(event.showAs);
  const sensitivity = sensitivityOf(event.sensitivity);
  if (showAs === undefined || !rule.showAs.includes(showAs) || !rule.sensitivities.includes(sensitivity))
    return undefined;
  const withDetails = rule.details === 'subjectAndLocation' && !WITHHELD_SENSITIVITIES.includes(sensitivity);
  const time = event.isAllDay ? calendarDateOf : (value: DateTimeTimeZone) => utcInstantOf(value, ianaZoneOf);
  return {
    eventId: event.eventId,
    start: time(event.start),
    end: time(event.end),
    isAllDay: event.isAllDay,
    showAs,
    seriesId: event.seriesMasterId ?? null,
    ...(withDetails && event.subject ? { subject: event.subject } : {}),
    ...(withDetails && event.location ? { location: event.location } : {}),
  };
}
