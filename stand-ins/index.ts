import { valueOrDefault } from '../shared/settings';
import { type AzuriteOptions, type RunningAzurite, startAzurite } from './azurite';
import { type Sandbox, type SandboxOptions, startSandbox } from './sandbox';
import {
  type ServiceBusEmulator,
  type ServiceBusEmulatorOptions,
  startServiceBusEmulator,
} from './serviceBus';

export interface StandInsOptions {
  /** `false` leaves a stand-in out (the local run against a real tenant needs no sandbox). */
  readonly azurite?: AzuriteOptions | false;
  readonly serviceBus?: ServiceBusEmulatorOptions | false;
  readonly sandbox?: SandboxOptions | false;
}

export interface StandIns {
  readonly azurite?: RunningAzurite;
  readonly serviceBus?: ServiceBusEmulator;
  readonly sandbox?: Sandbox;
  /** What `.local/stand-ins.json` holds: how to reach each stand-in. */
  readonly endpoints: {
    readonly tableConnectionString?: string;
    readonly serviceBusConnectionString?: string;
    readonly authorityHost?: string;
    readonly graphEndpoint?: string;
    readonly caCertPath?: string;
  };
  stop(): Promise<void>;
}

/** The change queue (APPOINTMENT_QUEUE, as set or its default) requires sessions, as in Azure. */
const changeQueue = (): string => valueOrDefault(process.env, 'APPOINTMENT_QUEUE');

/** Starts the local stand-ins for Azure (in parallel) on free loopback ports. */
export async function startStandIns(options: StandInsOptions = {}): Promise<StandIns> {
  const started: Array<{ stop(): Promise<void> }> = [];
  const track = async <T extends { stop(): Promise<void> }>(starting: Promise<T>): Promise<T> => {
    const value = await starting;
    started.push(value);
    return value;
  };
  try {
    const [azurite, serviceBus, sandbox] = await Promise.all([
      options.azurite === false ? undefined : track(startAzurite(options.azurite ?? {})),
      options.serviceBus === false
        ? undefined
        : track(startServiceBusEmulator({ sessionQueues: [changeQueue()], ...options.serviceBus })),
      options.sandbox === false ? undefined : track(startSandbox(options.sandbox ?? {})),
    ]);
    return {
      ...(azurite ? { azurite } : {}),
      ...(serviceBus ? { serviceBus } : {}),
      ...(sandbox ? { sandbox } : {}),
      endpoints: {
        ...(azurite ? { tableConnectionString: azurite.connectionString } : {}),
        ...(serviceBus ? { serviceBusConnectionString: serviceBus.connectionString } : {}),
        ...(sandbox
          ? {
              authorityHost: sandbox.authorityHost,
              graphEndpoint: sandbox.graphEndpoint,
              caCertPath: sandbox.caCertPath,
            }
          : {}),
      },
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(started: ReadonlyArray<{ stop(): Promise<void> }>): Promise<void> {
  await Promise.allSettled(started.map((s) => s.stop()));
}
