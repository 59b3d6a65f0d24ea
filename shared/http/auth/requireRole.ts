import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { problemResponse } from '../responses';
import { authorize } from './authorize';
import type { AppRole, Caller } from './roles';

/** An HTTP handler that runs only for a signed-in caller holding its role, and is told who that is. */
export type SignedInHandler = (
  request: HttpRequest,
  context: InvocationContext,
  caller: Caller,
) => Promise<HttpResponseInit> | HttpResponseInit;

export type DeniedAnswer = (status: 401 | 403, message: string) => HttpResponseInit;

const deniedJson: DeniedAnswer = (status, message) => problemResponse(status, message, []);

/**
 * The function's handler behind the role check: 401 without a principal the platform vouches for, 403
 * without the role, the handler otherwise. Every HTTP function but the health probe is registered so.
 */
export function requireRole(role: AppRole, handler: SignedInHandler, denied = deniedJson): HttpHandler {
  return async (request, context) => {
    const authorization = authorize(request, role);
    if (!authorization.ok) return denied(authorization.status, authorization.message);
    return handler(request, context, authorization.caller);
  };
}
