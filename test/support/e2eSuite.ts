import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { type Harness, type HarnessOptions, startHarness } from './harness';
import { type SandboxDriver, sandboxDriver } from './sandboxDriver';

/** One harness for a test file: started before its tests, stopped after, with fresh names to use. */
export interface E2eSuite {
  readonly harness: Harness;
  readonly sandbox: SandboxDriver;
  /** A mailbox no other test uses, in the demo tenant's domain. */
  mailbox(name: string): string;
  /** An appointment id no other test uses. */
  appointmentId(): string;
}

export function useE2eSuite(options: HarnessOptions = {}): E2eSuite {
  let harness: Harness | undefined;
  let sandbox: SandboxDriver | undefined;
  beforeAll(async () => {
    harness = await startHarness(options);
    sandbox = sandboxDriver(harness.sandbox);
  });
  afterAll(async () => {
    await harness?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the e2e harness is not started yet');
    return value;
  };
  return {
    get harness() {
      return started(harness);
    },
    get sandbox() {
      return started(sandbox);
    },
    mailbox: (name) => `${name}-${randomUUID().slice(0, 8)}@${started(harness).sandbox.tenant.domain}`,
    appointmentId: () => `A-${randomUUID().slice(0, 8)}`,
  };
}
