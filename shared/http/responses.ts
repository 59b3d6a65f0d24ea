import type { HttpResponseInit } from '@azure/functions';
import { redactDeep } from '../domain/redaction';

const JSON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/** A JSON answer; secret values are masked as a last line of defence. */
export function jsonResponse(status: number, body: unknown, secrets: readonly string[]): HttpResponseInit {
  return { status, headers: JSON_HEADERS, jsonBody: redactDeep(body, secrets) };
}

/** An error answer: `{ error: { message, parameter? } }`. */
export function problemResponse(
  status: number,
  message: string,
  secrets: readonly string[],
  parameter?: string,
): HttpResponseInit {
  return jsonResponse(status, { error: { message, ...(parameter ? { parameter } : {}) } }, secrets);
}
