import { beforeEach, expect } from 'vitest';

/**
 * Every test must make at least one assertion: a test whose checks never run (an empty loop, a
 * branch never taken) fails instead of passing whatever the code does.
 */
beforeEach(() => {
  expect.hasAssertions();
});
