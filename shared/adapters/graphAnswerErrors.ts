import type { IncomingHttpHeaders } from 'node:http';
import { GraphRequestError } from '../domain/failures';
import type { GraphAnswer } from './graphHttp';

function retryAfterMs(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Graph's error body: `{ error: { code, message, innerError: { "request-id" } } }`, when it is one. */
function errorBody(body: unknown): { code?: string; requestId?: string } {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return {};
  const { code, innerError } = error as { code?: unknown; innerError?: { 'request-id'?: unknown } };
  const requestId = innerError?.['request-id'];
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}

/** An answer other than 2xx, as the classifier reads it. */
export function answerError(answer: GraphAnswer, action: string, mailbox: string): GraphRequestError {
  const { code, requestId } = errorBody(answer.body);
  const retryAfter = retryAfterMs(answer.headers);
  return new GraphRequestError(`${action} for ${mailbox}: ${answer.status} ${code ?? ''}`.trim(), {
    httpStatus: answer.status,
    ...(code ? { graphCode: code } : {}),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    ...(requestId ? { requestId } : {}),
  });
}

/** No answer: a timeout, a reset connection or another network failure. */
export function transportError(error: unknown, action: string, mailbox: string): GraphRequestError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new GraphRequestError(`${action} for ${mailbox}: timeout`, { transport: 'timeout' });
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  const reset = code === 'ECONNRESET' || code === 'EPIPE' || /reset|socket hang up/i.test(String(error));
  return new GraphRequestError(`${action} for ${mailbox}: ${reset ? 'connection reset' : 'network error'}`, {
    transport: reset ? 'reset' : 'network',
  });
}
