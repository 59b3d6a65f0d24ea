import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../shared/http/csv';
import { EXCERPT_LIMIT, rawBodyExcerpt } from '../../shared/http/rawBodyExcerpt';

describe('CSV export cells', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1+2', `"'+1+2"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t=1"`],
    ['\r=1', `"'\r=1"`],
    ['Room 4, "east"', `"Room 4, ""east"""`],
    ['line\nbreak', `"line\nbreak"`],
    ['a=b', `"a=b"`],
  ])('guards %j as %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers, flags and absent values, CRLF line ends and a byte order mark', () => {
    expect(toCsv(['a', 'b', 'c'], [[3, true, undefined]])).toBe('\uFEFF"a","b","c"\r\n"3","true",""\r\n');
  });
});

describe('the raw body of an invalid message', () => {
  it('keeps the structure, ids, dates and flags, and replaces every other text by its length', () => {
    const ids = {
      kind: 'appointment',
      changeId: 'c-1',
      appointmentId: 'A-1',
      version: 'seven',
      operation: 'upsert',
    };
    const body = JSON.stringify({
      ...ids,
      appointment: {
        subject: 'Divorce hearing of J. Smith',
        start: '2026-12-01T10:00:00+01:00',
        end: 'tomorrow',
        body: 'Personal details',
        isAllDay: false,
        resources: [{ id: 'R-1', name: 'Judge Doe', mailbox: 'doe@contoso.com', exchangeEnabled: true }],
      },
    });
    expect(JSON.parse(rawBodyExcerpt(body))).toEqual({
      ...ids,
      appointment: {
        subject: '[27 characters]',
        start: '2026-12-01T10:00:00+01:00',
        end: 'tomorrow',
        body: '[16 characters]',
        isAllDay: false,
        resources: [{ id: 'R-1', name: '[9 characters]', mailbox: '[15 characters]', exchangeEnabled: true }],
      },
    });
  });

  it('shows the characters around the place where a body that is not JSON breaks', () => {
    const body = `{"subject": "${'x'.repeat(200)}", "appointmentId": "A-1" "start": 1, "body": "${'y'.repeat(100)}"}`;
    const excerpt = rawBodyExcerpt(body);
    const at = body.indexOf('"start"');
    expect(excerpt).toBe(
      `…${body.slice(at - 40, at + 40)}… (not JSON: ${body.length} characters, breaking at character ${at})`,
    );
    expect(excerpt).not.toContain('x'.repeat(50));
  });

  it('cuts a large body to the excerpt limit', () => {
    const body = JSON.stringify({ resources: Array.from({ length: 500 }, (_, i) => ({ id: `R-${i}` })) });
    const excerpt = rawBodyExcerpt(body);
    expect(excerpt.length).toBe(EXCERPT_LIMIT + '… (cut)'.length);
    expect(excerpt.endsWith('… (cut)')).toBe(true);
  });
});
