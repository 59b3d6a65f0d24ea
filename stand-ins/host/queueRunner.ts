import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isServiceBusError,
  ServiceBusClient,
  type ServiceBusReceivedMessage,
  type ServiceBusSessionReceiver,
} from '@azure/service-bus';
import { resolveBindingExpression } from '../../shared/host/functionDefinitions';
import { invokeQueueHandler, type QueueDefinition } from './invocation';
import { runPlainQueueFunction } from './plainQueueRunner';

export interface QueueRunnerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to host.json's `extensions.serviceBus.maxConcurrentSessions`. */
  readonly maxConcurrentSessions?: number;
  /** Receives each log line of the handler; defaults to dropping them. */
  readonly onLog?: (level: string, args: unknown[]) => void;
}

export interface RunningQueue {
  stop(): Promise<void>;
}

interface HostServiceBusOptions {
  readonly maxConcurrentSessions: number;
  readonly sessionIdleTimeoutMs: number;
  readonly maxAutoLockRenewalDurationMs: number;
}

/** `hh:mm:ss` (a .NET TimeSpan as host.json writes it) in milliseconds. */
function timeSpanMs(value: string | undefined, fallbackMs: number): number {
  const match = value?.match(/^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/);
  if (!match) return fallbackMs;
  const [, hours, minutes, seconds] = match;
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

/** host.json's `extensions.serviceBus` session settings, with the host's defaults. */
function hostServiceBusOptions(): HostServiceBusOptions {
  const host = JSON.parse(readFileSync(join(__dirname, '..', '..', 'host.json'), 'utf8')) as {
    extensions?: {
      serviceBus?: {
        maxConcurrentSessions?: number;
        sessionIdleTimeout?: string;
        maxAutoLockRenewalDuration?: string;
      };
    };
  };
  const options = host.extensions?.serviceBus ?? {};
  return {
    maxConcurrentSessions: options.maxConcurrentSessions ?? 8,
    sessionIdleTimeoutMs: timeSpanMs(options.sessionIdleTimeout, 60_000),
    maxAutoLockRenewalDurationMs: timeSpanMs(options.maxAutoLockRenewalDuration, 300_000),
  };
}

/** How long stop() waits for handlers under way before closing the connection under them. */
const SHUTDOWN_GRACE_MS = 2_000;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a session-enabled Service Bus–triggered function the way the Functions host does:
 * `maxConcurrentSessions` sessions at once, each accepted with accept-next-session and its lock
 * renewed while held; its messages one at a time, in order, the handler called with the body and an
 * InvocationContext carrying the trigger metadata; complete on return, abandon on throw (Service Bus
 * then redelivers, and dead-letters after maxDeliveryCount); the session let go after
 * `sessionIdleTimeout` without a message.
 */
export async function runQueueFunction(
  definition: QueueDefinition,
  options: QueueRunnerOptions = {},
): Promise<RunningQueue> {
  if (!definition.options.isSessionsEnabled) return runPlainQueueFunction(definition, options);
  const env = options.env ?? process.env;
  const connectionString = env[definition.options.connection ?? ''];
  if (!connectionString) throw new Error(`${definition.options.connection} is not set`);
  const queueName = resolveBindingExpression(definition.options.queueName, env);
  const host = hostServiceBusOptions();
  const client = new ServiceBusClient(connectionString);
  const log = options.onLog ?? (() => {});
  const stopping = new AbortController();
  /** Sessions being served now: stop() lets their handlers finish and settle before closing. */
  const serving = new Set<Promise<void>>();

  const invoke = (message: ServiceBusReceivedMessage) => invokeQueueHandler(definition, message, log);

  const serveSession = async (receiver: ServiceBusSessionReceiver): Promise<void> => {
    while (!stopping.signal.aborted) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: host.sessionIdleTimeoutMs });
      if (!message) return;
      if (await invoke(message)) await receiver.completeMessage(message);
      else await receiver.abandonMessage(message).catch(() => undefined);
    }
  };

  const worker = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      let receiver: ServiceBusSessionReceiver;
      try {
        receiver = await client.acceptNextSession(queueName, {
          maxAutoLockRenewalDurationInMs: host.maxAutoLockRenewalDurationMs,
          abortSignal: stopping.signal,
        });
      } catch (error) {
        if (stopping.signal.aborted || (isServiceBusError(error) && error.code === 'ServiceTimeout'))
          continue;
        log('error', [
          `accepting a session failed: ${error instanceof Error ? error.message : String(error)}`,
        ]);
        await delay(1_000);
        continue;
      }
      const served = serveSession(receiver);
      serving.add(served);
      try {
        await served;
      } catch (error) {
        // e.g. the session lock was lost: Service Bus gives the session to a receiver again.
        log('error', [
          `session ${receiver.sessionId}: ${error instanceof Error ? error.message : String(error)}`,
        ]);
      } finally {
        serving.delete(served);
        await receiver.close().catch(() => undefined);
      }
    }
  };

  for (let i = 0; i < (options.maxConcurrentSessions ?? host.maxConcurrentSessions); i++) void worker();
  return {
    async stop() {
      stopping.abort();
      // Like the host's shutdown grace: handlers under way get a moment to finish and settle.
      await Promise.race([Promise.allSettled([...serving]), delay(SHUTDOWN_GRACE_MS)]);
      // Closing the connection ends the accept-next-session calls still waiting for a session; a
      // handler still running after the grace is left to end on its own, unsettled.
      await client.close();
    },
  };
}
