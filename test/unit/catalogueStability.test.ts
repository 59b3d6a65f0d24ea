import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, catalogueEntry, isCode, mostSevere } from '../../shared/domain/catalogue';
import issued from '../fixtures/issued-codes.json';
import seedQuickTable from '../fixtures/seed-quick-table.json';

const SEED = join(__dirname, '..', '..', '..', 'shared', 'seeds', '000_18796ce8c1076f46.txt');

describe('catalogue stability', () => {
  it.each(issued)('$code keeps status $status and retry class $retry', (record) => {
    expect(isCode(record.code)).toBe(true);
    if (!isCode(record.code)) return;
    const entry = catalogueEntry(record.code);
    expect({ code: entry.code, status: entry.status, retry: entry.retry }).toEqual(record);
  });

  it('has one entry per code, each code well formed and fully described', () => {
    const codes = CATALOGUE.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const entry of CATALOGUE) {
      expect(entry.code).toMatch(/^DS(EX|UNK)\d{3}$/);
      expect(entry.title.length).toBeGreaterThan(3);
      expect(entry.meaning.length).toBeGreaterThan(20);
      expect(entry.steps.length).toBeGreaterThan(0);
    }
  });

  it('holds every issued code (a new code must also be added to the committed record)', () => {
    expect(CATALOGUE.map((e) => e.code).sort()).toEqual(issued.map((r) => r.code).sort());
  });

  it('maps each AADSTS number and Graph error code to exactly one code', () => {
    const aadsts = CATALOGUE.flatMap((e) => e.aadsts ?? []);
    const graph = CATALOGUE.flatMap((e) => e.graphErrorCodes ?? []);
    expect(new Set(aadsts).size).toBe(aadsts.length);
    expect(new Set(graph).size).toBe(graph.length);
  });

  it('ranks replayed failures above the ones that wait for a fix, and DSUNK001 above all', () => {
    expect(mostSevere(['DSEX012', 'DSEX040'])).toBe('DSEX040');
    expect(mostSevere(['DSEX011', 'DSEX021'])).toBe('DSEX011');
    expect(mostSevere(['DSEX030', 'DSUNK001', 'DSEX050'])).toBe('DSUNK001');
    expect(mostSevere([])).toBeUndefined();
  });
});

/** The seed's quick lookup rows: `CODE | goes to | status | retry |`. */
function quickTableOf(page: string) {
  return page
    .split('\n')
    .map((line) => line.match(/^(DS(?:EX|UNK)\d{3}) \| (.+?) \| (\w+) \| (.+?) \|$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ code: m[1], goesTo: m[2], status: m[3], retry: m[4] }));
}

describe("the seed's quick table (kept in test/fixtures, so it is checked without the seed too)", () => {
  it('has its 14 codes', () => {
    expect(seedQuickTable.map((row) => row.code)).toEqual([
      'DSEX001',
      'DSEX002',
      'DSEX003',
      'DSEX004',
      'DSEX005',
      'DSEX006',
      'DSEX010',
      'DSEX011',
      'DSEX012',
      'DSEX020',
      'DSEX021',
      'DSEX030',
      'DSEX040',
      'DSUNK001',
    ]);
  });

  it.each(seedQuickTable)('$code has the quick table status and retry class', ({ code, status, retry }) => {
    expect(isCode(code)).toBe(true);
    if (!isCode(code)) return;
    const entry = catalogueEntry(code);
    expect([entry.status, entry.retry]).toEqual([status, retry]);
  });

  it.runIf(existsSync(SEED))("is the seed page's quick table, where the seed is present", () => {
    expect(quickTableOf(readFileSync(SEED, 'utf8'))).toEqual(seedQuickTable);
  });
});
