import type { EntraCounterReadings } from './counters';
import type { AppCredentials } from './directory';
import type { EntraFailureKind } from './entraErrors';
import { type EntraState, TOKEN_ENDPOINT } from './entraServer';
import type { RecordedAnswer } from './recordedAnswer';

export interface EntraFailureOptions {
  /** Only the next `times` token requests; absent: every one until `clearFailures()`. */
  readonly times?: number;
  /** Retry-After sent with 429/500/503 (default 5). */
  readonly retryAfterSeconds?: number;
}

/** Scenarios and app registrations of the sandbox's Microsoft Entra ID. `clientId` defaults to the demo app. */
export interface EntraControls {
  readonly counters: EntraCounterReadings;
  /** Registers another app in the demo tenant, with one working secret. */
  registerApp(displayName?: string): AppCredentials;
  /** Adds a working secret (a new one, or `value`) to the app; the old ones keep working. Returns it. */
  addSecret(clientId?: string, value?: string): string;
  /** Makes one secret of the app answer AADSTS7000222. */
  expireSecret(secret: string, clientId?: string): void;
  /** The administrator's fix: every secret of the app is replaced by the one returned. */
  rotateSecret(clientId?: string): string;
  /** A disabled app answers AADSTS7000112. */
  setAppDisabled(disabled: boolean, clientId?: string): void;
  /** The token endpoint answers 429, 500 or 503 (with Retry-After), or never answers (`hang`). */
  fail(kind: EntraFailureKind, options?: EntraFailureOptions): void;
  /** The token endpoint answers with this recorded status, headers and body (next `times` requests, or until cleared). */
  answerWith(answer: RecordedAnswer, options?: { readonly times?: number }): void;
  /** Ends the failure scenario; hung requests go on to get their normal answer. */
  clearFailures(): void;
  /** Clears scenarios and counters, forgets registered apps and restores the demo app and its secret. */
  reset(): void;
}

const DEFAULT_RETRY_AFTER_SECONDS = 5;

export function entraControls(state: EntraState): EntraControls {
  const demo = () => state.directory.demoApp.clientId;
  const clearFailures = () => {
    state.failures.clear();
    state.pauses.releaseHeld();
  };
  return {
    counters: state.counters,
    registerApp: (displayName) => state.directory.registerApp(displayName),
    addSecret: (clientId = demo(), value?: string) => state.directory.addSecret(clientId, value),
    expireSecret: (secret, clientId = demo()) => state.directory.expireSecret(clientId, secret),
    rotateSecret: (clientId = demo()) => state.directory.rotateSecret(clientId),
    setAppDisabled: (disabled, clientId = demo()) => state.directory.setDisabled(clientId, disabled),
    fail: (kind, options = {}) =>
      state.failures.set(
        TOKEN_ENDPOINT,
        { kind, retryAfterSeconds: options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS },
        options.times,
      ),
    answerWith: (answer, options = {}) =>
      state.failures.set(TOKEN_ENDPOINT, { kind: 'recorded', answer }, options.times),
    clearFailures,
    reset: () => {
      clearFailures();
      state.counters.reset();
      state.directory.reset();
    },
  };
}
