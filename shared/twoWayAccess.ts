import type { Connector } from './connector';
import { describeProblems } from './domain/credentials';
import { type RowDependencies, recordMailboxOutcome } from './domain/exchangeChangeRows';
import type { OperationalLog } from './domain/ports';
import type { TwoWay } from './twoWayConnector';

/** What a row of the Outlook → back office path is written with. */
export function rowDependencies(instance: Connector, log: OperationalLog): RowDependencies {
  return {
    transactions: instance.stores.transactions,
    log,
    secrets: instance.secrets,
    now: () => new Date(),
  };
}

/**
 * Two-way sync as configured: undefined when it is off (GRAPH_WEBHOOK_BASE_URL unset) and when its
 * settings cannot be used, which is recorded as DSEX075 (one row per day, Attempts counting).
 */
export async function configuredTwoWay(
  instance: Connector,
  log: OperationalLog,
): Promise<TwoWay | undefined> {
  const twoWay = instance.twoWay();
  if (twoWay.ok) return twoWay.value;
  await recordMailboxOutcome(
    rowDependencies(instance, log),
    'two-way sync settings',
    'DSEX075',
    `Two-way sync is on (GRAPH_WEBHOOK_BASE_URL is set) but cannot run: ${describeProblems(twoWay.problems)}.`,
  );
  return undefined;
}
