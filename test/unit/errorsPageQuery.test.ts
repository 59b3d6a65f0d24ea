import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAGE_SIZE,
  FAILURE_STATUSES,
  failureWindow,
  MAX_PAGE_SIZE,
  parseFailureQuery,
} from '../../shared/http/failureQuery';

const now = new Date('2026-11-24T12:00:00Z');
const window = failureWindow(14, now);
const parse = (query: string, names?: { code: string }) =>
  parseFailureQuery(new URLSearchParams(query), window, names);

function problemOf(query: string) {
  const parsed = parse(query);
  if (parsed.ok) throw new Error(`expected "${query}" to be rejected`);
  return parsed.problem;
}

describe('Errors API query', () => {
  it('defaults to the whole window and 50 rows', () => {
    expect(window.start.toISOString()).toBe('2026-11-10T12:00:00.000Z');
    expect(parse('')).toEqual({ ok: true, query: { since: window.start, pageSize: DEFAULT_PAGE_SIZE } });
  });

  it('takes every filter, ignoring empty form fields', () => {
    const parsed = parse(
      `code=DSEX012&status=Skipped&appointmentId=A-1&since=2026-11-20&pageSize=200&continuationToken=index-token&unused=`,
    );
    expect(parsed).toEqual({
      ok: true,
      query: {
        code: 'DSEX012',
        status: 'Skipped',
        appointmentId: 'A-1',
        since: new Date('2026-11-20'),
        pageSize: MAX_PAGE_SIZE,
        continuationToken: 'index-token',
      },
    });
    expect(parse('code=&status=&appointmentId=')).toEqual(parse(''));
  });

  it.each([
    ['code=DSEX999', 'code'],
    ['code=dsex012', 'code'],
    ['status=Success', 'status'],
    ['status=Broken', 'status'],
    ['since=yesterday', 'since'],
    ['since=2026-13-45', 'since'],
    ['since=2026-01-01', 'since'],
    ['pageSize=0', 'pageSize'],
    ['pageSize=201', 'pageSize'],
    ['pageSize=1.5', 'pageSize'],
    ['pageSize=ten', 'pageSize'],
    [`appointmentId=${'A'.repeat(300)}`, 'appointmentId'],
  ])('rejects %s, naming %s', (query, parameter) => {
    const problem = problemOf(query);
    expect(problem.parameter).toBe(parameter);
    expect(problem.message).toContain(parameter);
  });

  it('lets the page name the code filter errorCode, so a stray ?code= is never a filter', () => {
    const parsed = parse('code=function-key&errorCode=DSEX001', { code: 'errorCode' });
    expect(parsed).toMatchObject({ ok: true, query: { code: 'DSEX001' } });
  });

  it('offers every failure status of the catalogue and never Success', () => {
    expect(FAILURE_STATUSES).toEqual(
      expect.arrayContaining(['Failed', 'Skipped', 'InvalidBackOfficeSettings', 'EmptyBackOffice']),
    );
    expect(FAILURE_STATUSES).not.toContain('Success');
  });
});
