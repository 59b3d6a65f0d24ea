import type { ChangeProcessor } from '../../shared/domain/changeProcessor';
import type { RetryPass } from '../../shared/domain/retryPass';
import {
  type Environment,
  readCredentialExpiry,
  readExchangeCredentials,
  secretValues,
} from '../../shared/settings';
import { InMemoryTokenProvider } from './inMemory/entra';
import { InMemoryFailureIndex } from './inMemory/failureIndex';
import { InMemoryExchange } from './inMemory/graph';
import { CapturingLog, InMemoryReplaySender } from './inMemory/queueAndLog';
import { InMemoryAppointmentStore, InMemoryResourceStore } from './inMemory/stateStores';
import { InMemoryTransactionStore } from './inMemory/transactionStore';
import { mappingsOf } from './mappings';

export { entraAnswers, InMemoryTokenProvider } from './inMemory/entra';
export { InMemoryFailureIndex } from './inMemory/failureIndex';
export { type GraphAnswer, graphAnswers, InMemoryExchange } from './inMemory/graph';
export { CapturingLog, InMemoryReplaySender } from './inMemory/queueAndLog';
export { InMemoryAppointmentStore, InMemoryResourceStore } from './inMemory/stateStores';
export { InMemoryTransactionStore } from './inMemory/transactionStore';

/** Exchange settings that pass validation; `clientSecret` is what redaction must hide. */
export const TEST_ENVIRONMENT: Environment = {
  EXCHANGE_TENANT_ID: '11111111-2222-3333-4444-555555555555',
  EXCHANGE_CLIENT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  EXCHANGE_CLIENT_SECRET: 'Qx8~s3cr3t-VALUE-never-shown',
};

/** A clock tests move by hand. */
export class ManualClock {
  constructor(private current: Date) {}

  readonly now = (): Date => new Date(this.current);

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }

  set(date: Date): void {
    this.current = new Date(date);
  }
}

/**
 * Every port of the domain in memory, wired like the connector wires the real adapters: one set of
 * stores shared by the processor and the retry pass, settings read from `env` on each use.
 */
export function inMemoryPorts(options: { now?: Date; windowDays?: number } = {}) {
  const clock = new ManualClock(options.now ?? new Date('2026-11-25T08:00:00Z'));
  const env: Record<string, string | undefined> = { ...TEST_ENVIRONMENT };
  const readCredentials = () => readExchangeCredentials(env);
  const transactions = new InMemoryTransactionStore();
  const appointments = new InMemoryAppointmentStore();
  const ports = {
    clock,
    env,
    transactions,
    failures: new InMemoryFailureIndex(() => transactions.failureEntries(), clock.now),
    appointments,
    /** The mappings inside the stored appointments, for tests to inspect or lose on purpose. */
    mappings: mappingsOf(appointments),
    resources: new InMemoryResourceStore(),
    tokens: new InMemoryTokenProvider(),
    exchange: new InMemoryExchange(),
    sender: new InMemoryReplaySender(clock.now),
    log: new CapturingLog(() => secretValues(env)),
    readCredentials,
  };
  /** What the processor and the retry pass both take, as the connector wires them. */
  const common = {
    transactions,
    appointments: ports.appointments,
    resources: ports.resources,
    tokens: ports.tokens,
    calendars: ports.exchange.factory,
    readCredentials,
    log: ports.log,
    now: clock.now,
  };
  const processorDependencies: ConstructorParameters<typeof ChangeProcessor>[0] = {
    ...common,
    secrets: () => secretValues(env),
  };
  const retryPassDependencies: ConstructorParameters<typeof RetryPass>[0] = {
    ...common,
    sender: ports.sender,
    windowDays: options.windowDays ?? 14,
    credentialExpiry: () => readCredentialExpiry(env),
  };
  return { ...ports, processorDependencies, retryPassDependencies };
}

export type InMemoryPorts = ReturnType<typeof inMemoryPorts>;
