import { LOG_EVENTS } from '../domain/logEvents';
import type { OperationalLog } from '../domain/ports';
import type { ManualReplay, ManualReplayLog } from '../domain/replayAudit';
import type { Caller } from './auth/roles';

/**
 * Records who asked for a manual replay: a structured log line first (it survives a failed write),
 * then the audit entry beside the transaction row.
 */
export async function auditManualReplay(
  audit: ManualReplayLog,
  log: OperationalLog,
  caller: Caller,
  replay: { readonly transactionId: string; readonly appointmentId: string; readonly messageId: string },
  now = new Date(),
): Promise<ManualReplay> {
  const entry: ManualReplay = {
    transactionId: replay.transactionId,
    messageId: replay.messageId,
    requestedAt: now,
    requestedBy: { name: caller.name, objectId: caller.objectId },
  };
  log.info(LOG_EVENTS.manualReplay, {
    transactionId: replay.transactionId,
    appointmentId: replay.appointmentId,
    messageId: replay.messageId,
    requestedAt: now.toISOString(),
    requestedBy: caller.name,
    requestedByObjectId: caller.objectId,
  });
  await audit.recordManualReplay(entry);
  return entry;
}
