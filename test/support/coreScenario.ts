import { ChangeProcessor } from '../../shared/domain/changeProcessor';
import type { ReplayRequest } from '../../shared/domain/replayMessage';
import { RetryPass } from '../../shared/domain/retryPass';
import type { TransactionRecord } from '../../shared/domain/transaction';
import { type ResourceInput, upsert } from './changes';
import { inMemoryPorts, TEST_ENVIRONMENT } from './inMemoryPorts';

export const SECRET = TEST_ENVIRONMENT.EXCHANGE_CLIENT_SECRET ?? '';
export const CLIENT_ID = TEST_ENVIRONMENT.EXCHANGE_CLIENT_ID ?? '';
export const START = new Date('2026-11-25T08:00:00Z');
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** A resource with a mailbox derived from its id. */
export function room(id: string, overrides: Partial<ResourceInput> = {}): ResourceInput {
  return { id, name: `Room ${id}`, mailbox: `${id.toLowerCase()}@contoso.example`, ...overrides };
}

/** An upsert whose changeId says which appointment and version it is. */
export function appointment(id: string, version: number, resources: readonly ResourceInput[]) {
  return upsert(id, version, resources, { changeId: `${id}-v${version}` });
}

/** The fields of a row the catalogue decides, in one comparable value. */
export function outcome(row: TransactionRecord | undefined) {
  if (!row) return undefined;
  return {
    status: row.status,
    code: row.code ?? null,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
  };
}

/** In-memory ports with the processor and the retry pass over them, and a queue trigger for replays. */
export function core(options: { now?: Date; windowDays?: number } = {}) {
  const ports = inMemoryPorts({ now: START, ...options });
  const processor = new ChangeProcessor(ports.processorDependencies);
  const retryPass = new RetryPass(ports.retryPassDependencies);
  /** Processes every replay request on the queue, as syncAppointment would. */
  const deliverReplays = async (): Promise<(TransactionRecord | undefined)[]> => {
    const results: (TransactionRecord | undefined)[] = [];
    for (const message of ports.sender.receive())
      results.push(await processor.process(message.body, { messageId: message.messageId }));
    return results;
  };
  let claims = 0;
  /**
   * Processes a replay request as the connector's own: claims the listed rows that are open with a
   * message id first, as the retry pass and the replay API do, then delivers it with that id.
   */
  const replayClaimed = async (request: ReplayRequest) => {
    claims++;
    const messageId = `replay:test:${claims}`;
    for (const entry of await ports.transactions.listPending(request.appointmentId)) {
      if (request.transactionIds.includes(entry.transactionId))
        await ports.transactions.claimPending(entry, entry.nextAttemptAt, entry.attempts, messageId);
    }
    return processor.process(request, { messageId });
  };
  return { ...ports, processor, retryPass, deliverReplays, replayClaimed };
}

export type Core = ReturnType<typeof core>;
