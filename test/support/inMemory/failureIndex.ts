import { dayKey } from '../../../shared/adapters/tables/keys';
import type { FailureIndex, FailureQuery, FailureSummary } from '../../../shared/domain/ports';
import { InvalidContinuationTokenError } from '../../../shared/domain/ports';
import type { FailureEntry } from './transactionStore';

const MAX_PAGE_SIZE = 1000;

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeOffset(token: string): number {
  let offset: unknown;
  try {
    offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown }).offset;
  } catch {
    offset = undefined;
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw new InvalidContinuationTokenError('continuationToken is not one this API returned');
  }
  return offset;
}

/**
 * The Errors page's reads over the in-memory Failures index, as `TableFailureIndex` answers them:
 * the day partitions from today back to `since`, newest first, filtered, paged.
 */
export class InMemoryFailureIndex implements FailureIndex {
  constructor(
    private readonly entries: () => FailureEntry[],
    private readonly now: () => Date,
  ) {}

  async listFailures(query: FailureQuery): Promise<{ items: FailureSummary[]; continuationToken?: string }> {
    const pageSize = Math.min(Math.max(1, Math.floor(query.pageSize)), MAX_PAGE_SIZE);
    const offset = query.continuationToken ? decodeOffset(query.continuationToken) : 0;
    const matching = this.inWindow(query.since).filter(
      ({ summary }) =>
        (!query.code || summary.code === query.code) &&
        (!query.status || summary.status === query.status) &&
        (!query.appointmentId || summary.appointmentId === query.appointmentId),
    );
    const items = matching.slice(offset, offset + pageSize).map((entry) => entry.summary);
    const next = offset + pageSize;
    return next < matching.length ? { items, continuationToken: encodeOffset(next) } : { items };
  }

  async countFailuresByCode(since: Date): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const { summary } of this.inWindow(since)) {
      const code = summary.code ?? 'none';
      counts[code] = (counts[code] ?? 0) + 1;
    }
    return counts;
  }

  private inWindow(since: Date): FailureEntry[] {
    const today = dayKey(this.now());
    return this.entries()
      .filter((entry) => entry.partitionKey <= today && entry.summary.createdAt >= since)
      .sort((a, b) =>
        a.partitionKey !== b.partitionKey
          ? b.partitionKey.localeCompare(a.partitionKey)
          : a.rowKey.localeCompare(b.rowKey),
      );
  }
}
