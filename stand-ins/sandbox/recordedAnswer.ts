import type { ServerResponse } from 'node:http';

/** An answer recorded from the real service, replayed as it was sent. */
export interface RecordedAnswer {
  readonly status: number;
  /** The headers that matter (Content-Type, Retry-After, …); nothing else is added. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body exactly as sent: JSON text, an HTML page, or '' for none. */
  readonly body: string;
}

/** Sends a recorded answer; `idHeaders` (request ids) go first, so the recording can override them. */
export function sendRecorded(
  response: ServerResponse,
  answer: RecordedAnswer,
  idHeaders: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(answer.status, {
    ...idHeaders,
    ...answer.headers,
    'Content-Length': String(Buffer.byteLength(answer.body)),
  });
  response.end(answer.body);
}

/** A recorded body as a `$batch` step carries it: parsed JSON, or the text itself. */
export function recordedBatchBody(answer: RecordedAnswer): unknown {
  if (answer.body === '') return undefined;
  try {
    return JSON.parse(answer.body);
  } catch {
    return answer.body;
  }
}
