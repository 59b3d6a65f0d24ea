import { DAY_MS } from './time';

/**
 * Backoff of the retry pass: the first replay 5 minutes after the first failure, doubling up to one
 * replay every 12 hours. A row that fails for 14 days is replayed about 35 times, not 4,000.
 */
export const RETRY_BACKOFF = { firstDelayMs: 5 * 60_000, factor: 2, maxDelayMs: 12 * 3_600_000 } as const;

/** When a row that has now failed `attempts` times may be replayed next; `Retry-After` can only push it later. */
export function nextAttemptAt(now: Date, attempts: number, retryAfterMs = 0): Date {
  const exponent = Math.max(0, attempts - 1);
  const backoff = Math.min(
    RETRY_BACKOFF.maxDelayMs,
    RETRY_BACKOFF.firstDelayMs * RETRY_BACKOFF.factor ** exponent,
  );
  return new Date(now.getTime() + Math.max(backoff, retryAfterMs));
}

/** Whether a row first failed at `firstFailedAt` is still inside the retry window. */
export function isInsideWindow(now: Date, firstFailedAt: Date, windowDays: number): boolean {
  return now.getTime() - firstFailedAt.getTime() < windowDays * DAY_MS;
}
