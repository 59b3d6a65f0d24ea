import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { connector, operationalLog } from '../connector';
import { ReplayNotPossibleError, ReplayTooSoonError } from '../domain/manualReplay';
import type { Caller } from './auth/roles';
import { auditManualReplay } from './replayAudit';
import { jsonResponse, problemResponse } from './responses';

/**
 * `POST transactions/{transactionId}/replay`: the Errors page's Replay. The message id is fixed per
 * attempt, so repeated clicks answer the same id and Service Bus drops the repeats.
 */
export async function replayApi(
  request: HttpRequest,
  context: InvocationContext,
  caller: Caller,
): Promise<HttpResponseInit> {
  const instance = connector();
  const secrets = instance.secrets();
  const transactionId = request.params.transactionId ?? '';
  if (!(await instance.stores.transactions.getTransaction(transactionId)))
    return problemResponse(404, `Transaction ${transactionId} does not exist.`, secrets);
  try {
    const log = operationalLog(context, instance.secrets);
    const { messageId, request: replay } = await instance.retryPass(log).replayNow(transactionId);
    const audit = await auditManualReplay(instance.stores.manualReplays, log, caller, {
      transactionId,
      appointmentId: replay.appointmentId,
      messageId,
    });
    return jsonResponse(
      202,
      {
        messageId,
        appointmentId: replay.appointmentId,
        transactionIds: replay.transactionIds,
        requestedBy: audit.requestedBy,
        requestedAt: audit.requestedAt.toISOString(),
      },
      secrets,
    );
  } catch (error) {
    if (error instanceof ReplayTooSoonError) {
      const answer = problemResponse(429, error.message, secrets);
      const retryAfter = String(Math.ceil(error.retryAfterMs / 1000));
      return { ...answer, headers: { ...answer.headers, 'retry-after': retryAfter } };
    }
    if (error instanceof ReplayNotPossibleError) return problemResponse(409, error.message, secrets);
    throw error;
  }
}
