import { classifyFailure } from './classifyFailure';
import type { ExchangeCredentials, SettingsResult } from './credentials';
import { LOG_EVENTS } from './logEvents';
import type {
  CalendarGatewayFactory,
  OperationalLog,
  PendingReplay,
  TokenProvider,
  TransactionStore,
} from './ports';

export type ProbeTrigger = 'token probe' | 'graph probe';

export interface ProbeDependencies {
  readonly transactions: TransactionStore;
  readonly tokens: TokenProvider;
  readonly calendars: CalendarGatewayFactory;
  readonly readCredentials: () => SettingsResult<ExchangeCredentials>;
  readonly log: OperationalLog;
}

/**
 * One check for a whole class of configuration failures: a token request (DSEX001–006), plus one
 * read of the failing mailbox's calendar (DSEX010, DSEX030). Passing means the fix is in.
 */
export async function probePasses(
  deps: ProbeDependencies,
  trigger: ProbeTrigger,
  rows: readonly PendingReplay[],
): Promise<boolean> {
  const credentials = deps.readCredentials();
  if (!credentials.ok) return false;
  try {
    await deps.tokens.acquireToken(credentials.value);
    if (trigger === 'graph probe') {
      const row = await deps.transactions.getTransaction(rows[0]?.transactionId ?? '');
      const mailbox = row?.resources.find((r) => r.code === rows[0]?.code)?.mailbox;
      if (!mailbox) return true;
      await deps.calendars(credentials.value).probe(mailbox);
    }
    return true;
  } catch (error) {
    const { clientId, tenantId } = credentials.value;
    const failure = classifyFailure(error, { clientId, tenantId });
    deps.log.info(LOG_EVENTS.retryProbeFailed, {
      probe: trigger,
      code: failure.code,
      message: failure.message,
    });
    return false;
  }
}
