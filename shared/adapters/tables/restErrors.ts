import { RestError } from '@azure/data-tables';

/** The HTTP status of a Table service error (Azurite leaves `code` undefined). */
export function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/** Answers undefined for 404, rethrows anything else. */
export async function unlessMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
