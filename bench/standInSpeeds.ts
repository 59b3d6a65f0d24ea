import { ServiceBusClient } from '@azure/service-bus';
import { startSandbox } from '../stand-ins/sandbox';
import { startServiceBusEmulator } from '../stand-ins/serviceBus';
import { type Figure, median } from './report';

const EMPTY_RECEIVE_WAIT_MS = 200;

/** Median time to start the Entra ID + Graph sandbox once its CA exists (a warm-up start first). */
async function sandboxStartMs(runs: number): Promise<number> {
  await startSandbox().then((warm) => warm.stop());
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const sandbox = await startSandbox();
    times.push(performance.now() - started);
    await sandbox.stop();
  }
  return median(times);
}

/**
 * Fastest of `runs` receives from an empty queue waiting 200 ms: when the emulator answers the
 * SDK's drain at the end of the wait, a round costs the wait; unanswered, it costs another 200 ms.
 */
async function emptyReceiveMs(runs: number): Promise<number> {
  const emulator = await startServiceBusEmulator({});
  const client = new ServiceBusClient(emulator.connectionString);
  const receiver = client.createReceiver('bench-empty');
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await receiver.receiveMessages(5, { maxWaitTimeInMs: EMPTY_RECEIVE_WAIT_MS });
      times.push(performance.now() - started);
    }
    return Math.min(...times);
  } finally {
    await receiver.close();
    await client.close();
    await emulator.stop();
  }
}

/** How fast the local stand-ins themselves are: the figures the tests used to assert. */
export async function standInSpeeds(runs = 5): Promise<Figure[]> {
  const startMs = await sandboxStartMs(runs);
  const receiveMs = await emptyReceiveMs(runs);
  return [
    {
      benchmark: '8 stand-ins',
      figure: 'sandbox start with its CA in place (median)',
      value: Math.round(startMs),
      unit: 'ms',
      goal: '< 500 ms',
      met: startMs < 500,
    },
    {
      benchmark: '8 stand-ins',
      figure: `Service Bus receive from an empty queue, ${EMPTY_RECEIVE_WAIT_MS} ms wait (fastest)`,
      value: Math.round(receiveMs),
      unit: 'ms',
      goal: '< 350 ms (the drain is answered)',
      met: receiveMs < 350,
    },
  ];
}
