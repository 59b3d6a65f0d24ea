import { odata } from '@azure/data-tables';
import type { FailureIndex, FailureQuery, FailureSummary } from '../../domain/ports';
import { asString } from './entityValues';
import { daysBack, decodeCursor, encodeCursor, type FailureCursor } from './failureCursor';
import { failureSummary } from './failureEntry';
import { createdSinceRowKeyBound, dayKey } from './keys';
import { SharedRead } from './sharedRead';
import type { TableAccess } from './tableClients';

/** The service answers at most 1,000 entities per page. */
const MAX_PAGE_SIZE = 1000;

type Filters = Pick<FailureQuery, 'since' | 'code' | 'status' | 'appointmentId'>;

/** One day partition of the window, with every filter escaped by `odata`. */
function dayFilter(day: string, filters: Filters): string {
  const conditions = [odata`PartitionKey eq ${day}`];
  if (day === dayKey(filters.since)) {
    conditions.push(odata`RowKey lt ${createdSinceRowKeyBound(filters.since)}`);
  }
  if (filters.code) conditions.push(odata`Code eq ${filters.code}`);
  if (filters.status) conditions.push(odata`Status eq ${filters.status}`);
  if (filters.appointmentId) conditions.push(odata`AppointmentId eq ${filters.appointmentId}`);
  return conditions.join(' and ');
}

/**
 * Counting reads the whole window (its codes only); page loads within this long of each other share
 * one count, so a page load costs its page size, not the window. Counts are at most this old.
 */
export const COUNTS_MAX_AGE_MS = 60_000;

/** The Errors page's reads: only the Failures partitions of the window, newest day first. */
export class TableFailureIndex implements FailureIndex {
  private readonly counted: SharedRead<Record<string, number>>;

  constructor(
    private readonly tables: TableAccess,
    now: () => number = Date.now,
  ) {
    this.counted = new SharedRead(COUNTS_MAX_AGE_MS, now);
  }

  async listFailures(query: FailureQuery): Promise<{ items: FailureSummary[]; continuationToken?: string }> {
    const pageSize = Math.min(Math.max(1, Math.floor(query.pageSize)), MAX_PAGE_SIZE);
    const days = daysBack(new Date(), query.since);
    const startOf = (day: string | undefined): FailureCursor | undefined => (day ? { day } : undefined);
    const items: FailureSummary[] = [];
    let cursor = query.continuationToken ? decodeCursor(query.continuationToken) : startOf(days[0]);
    // A token from a wider window must not lead outside this one.
    while (cursor && cursor.day >= dayKey(query.since)) {
      if (items.length === pageSize) return { items, continuationToken: encodeCursor(cursor) };
      const { day, token } = cursor;
      const page = await this.tables.page(
        'Failures',
        { filter: dayFilter(day, query) },
        pageSize - items.length,
        token,
      );
      items.push(...page.entities.map(failureSummary));
      cursor = page.continuationToken
        ? { day, token: page.continuationToken }
        : startOf(days.find((older) => older < day));
    }
    return { items };
  }

  countFailuresByCode(since: Date): Promise<Record<string, number>> {
    // Windows that start within the same minute count the same rows, give or take that minute.
    const key = String(Math.floor(since.getTime() / COUNTS_MAX_AGE_MS));
    return this.counted.get(key, () => this.count(since));
  }

  private async count(since: Date): Promise<Record<string, number>> {
    const days = daysBack(new Date(), since);
    const partitions = await Promise.all(
      days.map((day) => this.tables.all('Failures', { filter: dayFilter(day, { since }), select: ['Code'] })),
    );
    const counts: Record<string, number> = {};
    for (const entity of partitions.flat()) {
      const code = asString(entity.Code) ?? 'none';
      counts[code] = (counts[code] ?? 0) + 1;
    }
    return counts;
  }
}
