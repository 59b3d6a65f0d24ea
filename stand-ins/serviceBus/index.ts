import type { SendFaults } from './producerLink';
import { QueueRegistry, type QueueStats } from './queueRegistry';
import { startAmqpServer } from './server';

export type { QueueStats } from './queueRegistry';

export interface ServiceBusEmulatorOptions {
  /** 0 or absent: a free port on 127.0.0.1. */
  port?: number;
  /** Default 30 000. */
  lockDurationMs?: number;
  /** Default 10. */
  maxDeliveryCount?: number;
  /** Default 600 000; 0 disables duplicate detection. */
  duplicateDetectionWindowMs?: number;
  /** Queues that require sessions (`requiresSession`); default none. */
  sessionQueues?: readonly string[];
  /** Longest an accept-next-session waits for a free session (the client may ask for less); default 60 000. */
  sessionAcceptTimeoutMs?: number;
}

export interface ServiceBusEmulator {
  readonly port: number;
  /** `Endpoint=sb://127.0.0.1:<port>;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=<anything>;UseDevelopmentEmulator=true` */
  readonly connectionString: string;
  /**
   * For tests. `active`: waiting (not locked, not scheduled in the future, not deferred); `locked`;
   * `deadLettered`: in the dead-letter sub-queue; `scheduled`; `deferred`; `sentTotal`: messages
   * stored (sent or scheduled), duplicates excluded; `duplicatesDropped`.
   */
  stats(queue: string): QueueStats;
  /** Fault injection: while set, incoming sends are rejected with this AMQP error condition (e.g. 'amqp:internal-error'); undefined restores normal service. */
  failSends(condition: string | undefined): void;
  /** Closes every connection and the listener; no timers left behind. */
  stop(): Promise<void>;
}

/** A Service Bus namespace on loopback that the real `@azure/service-bus` SDK can talk to. */
export async function startServiceBusEmulator(
  options: ServiceBusEmulatorOptions = {},
): Promise<ServiceBusEmulator> {
  const registry = new QueueRegistry({
    lockDurationMs: options.lockDurationMs ?? 30_000,
    maxDeliveryCount: options.maxDeliveryCount ?? 10,
    duplicateDetectionWindowMs: options.duplicateDetectionWindowMs ?? 600_000,
    sessionQueues: options.sessionQueues ?? [],
  });
  const faults: SendFaults = { condition: undefined };
  const server = await startAmqpServer(registry, faults, {
    port: options.port ?? 0,
    sessionAcceptTimeoutMs: options.sessionAcceptTimeoutMs ?? 60_000,
  });
  let stopping: Promise<void> | undefined;
  return {
    port: server.port,
    connectionString:
      `Endpoint=sb://127.0.0.1:${server.port};SharedAccessKeyName=RootManageSharedAccessKey;` +
      'SharedAccessKey=emulator;UseDevelopmentEmulator=true',
    stats: (queue) => registry.queue(queue).stats(),
    failSends: (condition) => {
      faults.condition = condition;
    },
    stop: () => {
      stopping ??= server.stop().finally(() => registry.dispose());
      return stopping;
    },
  };
}
