import { describe, expect, it } from 'vitest';
import { parseNcrontab } from '../../stand-ins/host/ncrontab';

describe('parseNcrontab', () => {
  const at = (iso: string) => new Date(iso);

  it('runs the retry default every five minutes on the minute', () => {
    const schedule = parseNcrontab('0 */5 * * * *');
    expect(schedule.next(at('2026-11-25T10:03:17Z')).toISOString()).toBe('2026-11-25T10:05:00.000Z');
    expect(schedule.next(at('2026-11-25T10:05:00Z')).toISOString()).toBe('2026-11-25T10:10:00.000Z');
  });

  it('handles ranges, lists, steps and days of the week', () => {
    expect(parseNcrontab('*/10 * * * * *').next(at('2026-11-25T10:00:05Z')).toISOString()).toBe(
      '2026-11-25T10:00:10.000Z',
    );
    expect(parseNcrontab('0 30 9-17 * * 1-5').next(at('2026-11-28T12:00:00Z')).toISOString()).toBe(
      '2026-11-30T09:30:00.000Z',
    );
    expect(parseNcrontab('0 0 0 1,15 * *').next(at('2026-11-02T00:00:00Z')).toISOString()).toBe(
      '2026-11-15T00:00:00.000Z',
    );
  });

  it.each(['*/5 * * * *', '0 60 * * * *', 'x * * * * *', '0 */0 * * * *'])('rejects %j', (expression) => {
    expect(() => parseNcrontab(expression)).toThrow(/NCRONTAB/);
  });
});
