import { defineConfig } from 'vitest/config';

/**
 * The fast unit tests that mutation testing runs (`npm run test:mutation`): the pure domain tests and
 * the tests of the core on in-memory ports, plus the mailbox limiter's. None of them starts a stand-in
 * (no Azurite, no sandbox, no TLS), so there is no global setup: the sandbox CA is not needed.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/busyBlock*.test.ts',
      'test/unit/catalogueStability.test.ts',
      'test/unit/changeMessage*.test.ts',
      'test/unit/changeProcessor*.test.ts',
      'test/unit/classifyFailure.test.ts',
      'test/unit/connectorTag.test.ts',
      'test/unit/deltaDecision.test.ts',
      'test/unit/docs.test.ts',
      'test/unit/domainPrimitives.test.ts',
      'test/unit/eventTime.test.ts',
      'test/unit/foreignEventBlock.test.ts',
      'test/unit/inMemoryPorts.test.ts',
      'test/unit/mailboxLimiter.test.ts',
      'test/unit/messageBody.test.ts',
      'test/unit/privacyRules.test.ts',
      'test/unit/replayMessage.test.ts',
      'test/unit/retryPass*.test.ts',
      'test/unit/semaphore.test.ts',
      'test/unit/sessionIds.test.ts',
      'test/unit/storageKeys.test.ts',
      'test/unit/storedAppointment.test.ts',
      'test/unit/syncPlan.test.ts',
      'test/unit/twoWayInputs.test.ts',
      'test/unit/unalignedEvents.test.ts',
    ],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
