/**
 * The six-field NCRONTAB expressions of Azure Functions timers (`{second} {minute} {hour} {day}
 * {month} {day-of-week}`), evaluated in UTC as the host does by default.
 */
export interface NcrontabSchedule {
  readonly expression: string;
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
}

const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 6 },
] as const;

function parseField(text: string, min: number, max: number, name: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new Error(`NCRONTAB ${name} field "${text}" is not understood`);
    const [, range, from, to, step] = match;
    const start = range === '*' ? min : Number(from);
    const end = range === '*' ? max : to !== undefined ? Number(to) : step !== undefined ? max : start;
    const increment = step !== undefined ? Number(step) : 1;
    if (start < min || end > max || start > end || increment < 1) {
      throw new Error(`NCRONTAB ${name} field "${text}" is outside ${min}-${max}`);
    }
    for (let value = start; value <= end; value += increment) values.add(value);
  }
  return values;
}

export function parseNcrontab(expression: string): NcrontabSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`NCRONTAB "${expression}" must have six fields`);
  const [seconds, minutes, hours, days, months, weekdays] = FIELDS.map((field, index) =>
    parseField(parts[index] ?? '', field.min, field.max, field.name),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const matches = (d: Date) =>
    seconds.has(d.getUTCSeconds()) &&
    minutes.has(d.getUTCMinutes()) &&
    hours.has(d.getUTCHours()) &&
    days.has(d.getUTCDate()) &&
    months.has(d.getUTCMonth() + 1) &&
    weekdays.has(d.getUTCDay());
  return {
    expression,
    next(after) {
      const candidate = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
      // A year of seconds bounds the search; every valid expression matches well within it.
      for (let i = 0; i < 366 * 86_400; i++) {
        if (matches(candidate)) return candidate;
        if (!minutes.has(candidate.getUTCMinutes()) || !hours.has(candidate.getUTCHours())) {
          candidate.setUTCSeconds(0);
          candidate.setUTCMinutes(candidate.getUTCMinutes() + 1);
        } else candidate.setUTCSeconds(candidate.getUTCSeconds() + 1);
      }
      throw new Error(`NCRONTAB "${expression}" never occurs`);
    },
  };
}
