import type { ManagementResponse, Operation, Target } from './management';
import type { SessionLocks } from './sessionLocks';

const SESSION_LOCK_LOST: ManagementResponse = {
  statusCode: 410,
  errorCondition: 'com.microsoft:session-lock-lost',
  statusDescription: 'The session lock has expired on the MessageSession. Accept a new MessageSession.',
};

type SessionOperation = (
  sessions: SessionLocks,
  sessionId: string,
  body: Record<string, unknown>,
  now: number,
) => ManagementResponse;

/** `<queue>/$management` operations of session receivers, keyed by the request's `session-id`. */
function withSession(operation: SessionOperation): Operation {
  return ({ subQueue }: Target, body, now) => {
    const sessionId = body['session-id'];
    if (!subQueue.sessions || typeof sessionId !== 'string') {
      return {
        statusCode: 400,
        errorCondition: 'amqp:invalid-field',
        statusDescription: 'A session operation needs a session-id on a session-enabled queue.',
      };
    }
    // Service Bus accepts these only from the holder of the session's lock.
    if (!subQueue.sessions.isLocked(sessionId, now)) return SESSION_LOCK_LOST;
    return operation(subQueue.sessions, sessionId, body, now);
  };
}

const OK = { statusCode: 200, statusDescription: 'OK' } as const;

export const SESSION_OPERATIONS: Record<string, Operation> = {
  'com.microsoft:renew-session-lock': withSession((sessions, sessionId, _body, now) => {
    const lockedUntil = sessions.renew(sessionId, now);
    return lockedUntil === undefined
      ? SESSION_LOCK_LOST
      : { ...OK, body: { expiration: new Date(lockedUntil) } };
  }),
  'com.microsoft:get-session-state': withSession((sessions, sessionId) => ({
    ...OK,
    body: { 'session-state': sessions.getState(sessionId) ?? null },
  })),
  'com.microsoft:set-session-state': withSession((sessions, sessionId, body) => {
    const state = body['session-state'];
    sessions.setState(sessionId, Buffer.isBuffer(state) ? state : undefined);
    return OK;
  }),
};
