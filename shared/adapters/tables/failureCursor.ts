import { InvalidContinuationTokenError } from '../../domain/ports';
import { dayKey } from './keys';

/** Where the next page of failures starts: a day partition and the SDK's token inside it. */
export interface FailureCursor {
  readonly day: string;
  readonly token?: string;
}

export function encodeCursor(cursor: FailureCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(continuationToken: string): FailureCursor {
  let cursor: Partial<Record<keyof FailureCursor, unknown>> | undefined;
  try {
    cursor = JSON.parse(Buffer.from(continuationToken, 'base64url').toString('utf8'));
  } catch {
    cursor = undefined;
  }
  if (typeof cursor?.day !== 'string' || !/^\d{8}$/.test(cursor.day)) {
    throw new InvalidContinuationTokenError('continuationToken is not one this API returned');
  }
  return typeof cursor.token === 'string' ? { day: cursor.day, token: cursor.token } : { day: cursor.day };
}

/** Day partitions from `today` back to the day of `since`, newest first. */
export function daysBack(today: Date, since: Date): string[] {
  const days: string[] = [];
  const last = dayKey(since);
  const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  while (dayKey(day) >= last) {
    days.push(dayKey(day));
    day.setUTCDate(day.getUTCDate() - 1);
  }
  return days;
}
