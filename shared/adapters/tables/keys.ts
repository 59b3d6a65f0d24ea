import { storageKey } from '../../domain/storageKeys';

/** Table keys forbid / \ # ? and control characters; every id from a message is encoded first (one rule, in the domain). */
export function encodeKey(id: string): string {
  return storageKey(id);
}

/** `yyyyMMdd` of a date in UTC: the Failures partition of a transaction. */
export function dayKey(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

const LATEST_MS = 9_999_999_999_999;

function invertedTime(date: Date): string {
  return String(LATEST_MS - date.getTime()).padStart(13, '0');
}

/** Newest first inside a day: the inverted creation time, then the transaction. */
export function newestFirstRowKey(createdAt: Date, transactionId: string): string {
  return `${invertedTime(createdAt)}_${encodeKey(transactionId)}`;
}

/**
 * Row keys below this bound belong to rows created at or after `since`: the bound is the inverted
 * time of the millisecond before `since`, which sorts after every key created at `since`.
 */
export function createdSinceRowKeyBound(since: Date): string {
  return invertedTime(new Date(since.getTime() - 1));
}
