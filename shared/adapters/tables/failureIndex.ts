import { odata } from '@azure/data-tables';
import type { FailureIndex, FailureQuery, FailureSummary } from '../../domain/ports';
import { asDate, asNumber, asString, dayKey, newestFirstBound, parseJson } from './keys';
import type { TableAccess } from './tableClients';

interface Cursor {
  readonly day: string;
  readonly token?: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export class InvalidContinuationTokenError extends Error {
  override readonly name = 'InvalidContinuationTokenError';
}

function decodeCursor(token: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof cursor.day === 'string' && /^\d{8}$/.test(cursor.day)) {
      return { day: cursor.day, ...(typeof cursor.token === 'string' ? { token: cursor.token } : {}) };
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidContinuationTokenError('continuationToken is not one this API returned');
}

/** Day partitions from `from` back to `since`, newest first. */
function daysBack(from: Date, since: Date): string[] {
  const days: string[] = [];
  const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  const last = dayKey(since);
  while (dayKey(cursor) >= last) {
    days.push(dayKey(cursor));
    cursor.setUTCDate(cursor.getUTCDate() - 1);
  }
  return days;
}

function toSummary(entity: Record<string, unknown>): FailureSummary {
  const code = asString(entity.Code);
  const nextAttemptAt = asDate(entity.NextAttemptAt);
  return {
    transactionId: asString(entity.TransactionId) ?? '',
    appointmentId: asString(entity.AppointmentId) ?? '',
    operation: (asString(entity.Operation) ?? 'upsert') as FailureSummary['operation'],
    status: (asString(entity.Status) ?? 'Failed') as FailureSummary['status'],
    ...(code ? { code: code as NonNullable<FailureSummary['code']> } : {}),
    message: asString(entity.Message) ?? '',
    attempts: asNumber(entity.Attempts) ?? 0,
    createdAt: asDate(entity.CreatedAt) ?? new Date(0),
    lastAttemptAt: asDate(entity.LastAttemptAt) ?? new Date(0),
    ...(nextAttemptAt ? { nextAttemptAt } : {}),
    needsManualAction: entity.NeedsManualAction === true,
    resources: parseJson<{ name: string; mailbox: string }[]>(entity.Resources, []),
  };
}

/** The Errors page's reads: one partition per day of the window, filters escaped by `odata`. */
export class TableFailureIndex implements FailureIndex {
  constructor(
    private readonly tables: TableAccess,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private filter(day: string, since: Date, query: Partial<FailureQuery>): string {
    const parts = [odata`PartitionKey eq ${day}`];
    if (day === dayKey(since)) parts.push(odata`RowKey le ${newestFirstBound(since)}`);
    if (query.code) parts.push(odata`Code eq ${query.code}`);
    if (query.status) parts.push(odata`Status eq ${query.status}`);
    if (query.appointmentId) parts.push(odata`AppointmentId eq ${query.appointmentId}`);
    return parts.join(' and ');
  }

  async listFailures(query: FailureQuery): Promise<{ items: FailureSummary[]; continuationToken?: string }> {
    const start = query.continuationToken ? decodeCursor(query.continuationToken) : undefined;
    const days = daysBack(this.now(), query.since).filter((day) => !start || day <= start.day);
    const client = await this.tables.client('Failures');
    const items: FailureSummary[] = [];
    for (const [index, day] of days.entries()) {
      const remaining = query.pageSize - items.length;
      if (remaining <= 0) return { items, continuationToken: encodeCursor({ day }) };
      const token = start && day === start.day ? start.token : undefined;
      const pages = client
        .listEntities<Record<string, unknown>>({
          queryOptions: { filter: this.filter(day, query.since, query) },
        })
        .byPage({ maxPageSize: remaining, ...(token ? { continuationToken: token } : {}) });
      const { value: page } = await pages.next();
      this.tables.countPage(page?.length ?? 0);
      if (page) {
        items.push(...page.map(toSummary));
        if (page.continuationToken)
          return { items, continuationToken: encodeCursor({ day, token: page.continuationToken }) };
      }
      if (items.length >= query.pageSize && index < days.length - 1) {
        const next = days[index + 1];
        if (next) return { items, continuationToken: encodeCursor({ day: next }) };
      }
    }
    return { items };
  }

  async countFailuresByCode(since: Date): Promise<Record<string, number>> {
    const client = await this.tables.client('Failures');
    const counts: Record<string, number> = {};
    for (const day of daysBack(this.now(), since)) {
      const pages = client
        .listEntities<Record<string, unknown>>({
          queryOptions: { filter: this.filter(day, since, {}), select: ['Code'] },
        })
        .byPage({ maxPageSize: 1000 });
      for await (const page of pages) {
        this.tables.countPage(page.length);
        for (const entity of page) {
          const code = asString(entity.Code) ?? 'none';
          counts[code] = (counts[code] ?? 0) + 1;
        }
      }
    }
    return counts;
  }
}
