import { odata } from '@azure/data-tables';
import { asString } from './entityValues';
import { daysBack } from './failureCursor';
import { COUNTS_MAX_AGE_MS } from './failureIndex';
import { dayKey } from './keys';
import { SharedRead } from './sharedRead';
import type { TableAccess } from './tableClients';

/** The open failures first recorded on one UTC day (`yyyyMMdd`), per code. */
export interface FailureDay {
  readonly day: string;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * The Errors page's chart: each day partition of `Failures` read, the `Code` column only; like the
 * counts per code, one read serves the page loads of up to a minute.
 */
export class TableFailureDays {
  private readonly counted: SharedRead<FailureDay[]>;

  constructor(
    private readonly tables: TableAccess,
    now: () => number = Date.now,
  ) {
    this.counted = new SharedRead(COUNTS_MAX_AGE_MS, now);
  }

  /** The last `days` UTC days up to today, oldest first. */
  failuresPerDay(days: number, today = new Date()): Promise<FailureDay[]> {
    return this.counted.get(`${dayKey(today)}:${days}`, () => this.count(days, today));
  }

  private async count(days: number, today: Date): Promise<FailureDay[]> {
    const since = new Date(today.getTime() - (days - 1) * 86_400_000);
    const partitions = daysBack(today, since).reverse();
    return Promise.all(
      partitions.map(async (day) => {
        const codes = await this.tables.all('Failures', {
          filter: odata`PartitionKey eq ${day}`,
          select: ['Code'],
        });
        const counts: Record<string, number> = {};
        for (const entity of codes) {
          const code = asString(entity.Code) ?? 'none';
          counts[code] = (counts[code] ?? 0) + 1;
        }
        return { day, counts };
      }),
    );
  }
}
