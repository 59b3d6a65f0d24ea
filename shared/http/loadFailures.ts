import {
  type FailureIndex,
  type FailureQuery,
  type FailureSummary,
  InvalidContinuationTokenError,
} from '../domain/ports';
import type { FailureWindow, QueryProblem } from './failureQuery';

export interface FailuresPage {
  readonly items: readonly FailureSummary[];
  /** The index's token for the next page; absent on the last page. */
  readonly continuationToken?: string;
  /** Failures per code over the whole window, whatever the filters. */
  readonly counts: Readonly<Record<string, number>>;
}

export type LoadedFailures =
  | { readonly ok: true; readonly page: FailuresPage }
  | { readonly ok: false; readonly problem: QueryProblem; readonly counts: Readonly<Record<string, number>> };

/**
 * One page of failures and the window's counts, read in parallel: what the API and the page both
 * show. A continuation token the index does not recognise is the caller's mistake, not a failure.
 */
export async function loadFailures(
  index: FailureIndex,
  query: FailureQuery,
  window: FailureWindow,
): Promise<LoadedFailures> {
  const counting = index.countFailuresByCode(window.start);
  try {
    const [page, counts] = await Promise.all([index.listFailures(query), counting]);
    return { ok: true, page: { ...page, counts } };
  } catch (error) {
    if (!(error instanceof InvalidContinuationTokenError)) throw error;
    return {
      ok: false,
      problem: {
        parameter: 'continuationToken',
        message: 'continuationToken is malformed: pass back the value of a previous answer unchanged.',
      },
      counts: await counting,
    };
  }
}
