import { Semaphore } from '../../shared/adapters/semaphore';
import { isFields } from '../../shared/domain/fields';
import { type GraphError, graphErrorBody, graphErrors } from './graphErrors';
import { addressedMailbox, executeGraphCall } from './graphRoutes';
import type { GraphReply, GraphState } from './graphState';
import { recordedBatchBody } from './recordedAnswer';
import type { TokenGrant } from './tokens';

/** Graph's limit on steps per batch. */
const MAX_STEPS = 20;
/** Outlook runs at most this many steps of one batch for one mailbox at a time. */
const PARALLEL_STEPS_PER_MAILBOX = 4;

interface BatchStep {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
  readonly dependsOn: readonly string[];
}

export interface BatchStepResponse {
  readonly id: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

function hasContentType(headers: unknown): boolean {
  return isFields(headers) && Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
}

/** The batch's steps, or why Graph would refuse the whole batch. */
function parseSteps(body: unknown): BatchStep[] | GraphError {
  if (!isFields(body) || !Array.isArray(body.requests))
    return graphErrors.badRequest('Invalid batch payload format.');
  if (body.requests.length > MAX_STEPS)
    return graphErrors.badRequest(`The number of requests in the batch exceeds the limit of ${MAX_STEPS}.`);
  const steps: BatchStep[] = [];
  const ids = new Set<string>();
  for (const request of body.requests as unknown[]) {
    if (
      !isFields(request) ||
      typeof request.id !== 'string' ||
      typeof request.method !== 'string' ||
      typeof request.url !== 'string'
    )
      return graphErrors.badRequest('Invalid batch payload format.');
    if (ids.has(request.id))
      return graphErrors.badRequest(`Batch request ids must be unique: '${request.id}'.`);
    if (request.body !== undefined && !hasContentType(request.headers))
      return graphErrors.badRequest(
        `Write request id : ${request.id} does not contain Content-Type header or body.`,
      );
    const dependsOn = Array.isArray(request.dependsOn) ? request.dependsOn.map(String) : [];
    // Only earlier steps: this is also what keeps dependencies free of cycles.
    const unknown = dependsOn.find((id) => !ids.has(id));
    if (unknown !== undefined)
      return graphErrors.badRequest(
        `Request '${request.id}' depends on '${unknown}', which is not an earlier request.`,
      );
    ids.add(request.id);
    steps.push({
      id: request.id,
      method: request.method.toUpperCase(),
      url: request.url,
      body: request.body,
      dependsOn,
    });
  }
  return steps;
}

type AnsweredReply = Exclude<GraphReply, { kind: 'reset' }>;

function stepResponse(
  id: string,
  reply: AnsweredReply,
  requestId: string,
  clientRequestId: string,
): BatchStepResponse {
  if (reply.kind === 'ok')
    return reply.body === undefined
      ? { id, status: reply.status, headers: {} }
      : { id, status: reply.status, headers: { 'Content-Type': 'application/json' }, body: reply.body };
  if (reply.kind === 'recorded')
    return {
      id,
      status: reply.answer.status,
      headers: { ...reply.answer.headers },
      body: recordedBatchBody(reply.answer),
    };
  const { retryAfterSeconds } = reply.error;
  return {
    id,
    status: reply.error.status,
    headers: {
      'Content-Type': 'application/json',
      ...(retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {}),
    },
    body: graphErrorBody(reply.error, requestId, clientRequestId),
  };
}

const FAILED_DEPENDENCY: GraphReply = {
  kind: 'error',
  error: { status: 424, code: 'FailedDependency', message: 'Dependent request failed.' },
};

function isAnswered(reply: GraphReply): reply is AnsweredReply {
  return reply.kind !== 'reset';
}

/**
 * `POST /$batch`: each step goes through the same handlers and limits as a request of its own.
 * A step that resets the connection resets the whole batch's connection.
 */
export async function executeBatch(
  state: GraphState,
  body: unknown,
  grant: TokenGrant,
  version: string,
  ids: { readonly requestId: string; readonly clientRequestId: string },
): Promise<GraphReply> {
  const steps = parseSteps(body);
  if (!Array.isArray(steps)) return { kind: 'error', error: steps };
  const slotsByMailbox = new Map<string, Semaphore>();
  const repliesById = new Map<string, Promise<GraphReply>>();
  const replies = steps.map((step) => {
    const [rawPath = '', query = ''] = step.url.split('?', 2);
    const path = `/${rawPath.replace(/^\/+/, '')}`;
    const mailbox = addressedMailbox(state, path, grant) ?? '';
    const slots = slotsByMailbox.get(mailbox) ?? new Semaphore(PARALLEL_STEPS_PER_MAILBOX);
    slotsByMailbox.set(mailbox, slots);
    // parseSteps lets a step depend only on earlier steps, so every dependency is already here.
    const dependencies = step.dependsOn.map(
      (id) => repliesById.get(id) ?? Promise.resolve(FAILED_DEPENDENCY),
    );
    const reply = Promise.all(dependencies).then((settled) =>
      settled.every((dependency) => dependency.kind === 'ok')
        ? slots.run(() =>
            executeGraphCall(state, {
              method: step.method,
              version,
              path,
              query: new URLSearchParams(query),
              body: step.body,
              grant,
              inBatch: true,
            }),
          )
        : FAILED_DEPENDENCY,
    );
    repliesById.set(step.id, reply);
    return reply;
  });
  const settled = await Promise.all(replies);
  if (!settled.every(isAnswered)) return { kind: 'reset' };
  return {
    kind: 'ok',
    status: 200,
    body: {
      responses: settled.map((reply, index) =>
        stepResponse(steps[index]?.id ?? '', reply, ids.requestId, ids.clientRequestId),
      ),
    },
  };
}
