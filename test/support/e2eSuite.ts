import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
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

/**
 * `lifetime: 'test'` gives each test stand-ins of its own (empty tables and queue), for tests whose
 * assertions count everything in a table, such as a retry pass's report.
 */
export function useE2eSuite(options: HarnessOptions = {}, lifetime: 'file' | 'test' = 'file'): E2eSuite {
  let harness: Harness | undefined;
  let sandbox: SandboxDriver | undefined;
  (lifetime === 'file' ? beforeAll : beforeEach)(async () => {
    harness = await startHarness(options);
    sandbox = sandboxDriver(harness.sandbox);
  });
  (lifetime === 'file' ? afterAll : afterEach)(async () => {
    await harness?.stop();
    harness = undefined;
    sandbox = undefined;
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
