import {
  MANAGED_IDENTITY_FAILURES,
  type ManagedIdentity,
  type ManagedIdentityFailure,
  type ManagedIdentityState,
  newManagedIdentity,
} from './managedIdentityServer';

/** The Function App's managed identity endpoint: the settings a host gives the app, identities, scenarios. */
export interface ManagedIdentityControls {
  /** IDENTITY_ENDPOINT and IDENTITY_HEADER, as App Service sets them. */
  readonly environment: { readonly IDENTITY_ENDPOINT: string; readonly IDENTITY_HEADER: string };
  /** The user-assigned identity assigned from the start. */
  readonly identity: ManagedIdentity;
  /** Assigns a user-assigned identity to the app: a new one, or one removed before. */
  assign(identity?: ManagedIdentity): ManagedIdentity;
  /** Removes an identity from the app: its client ID then gets 400 "Unable to load the proper Managed Identity.". */
  unassign(clientId: string): void;
  /** The endpoint answers 503, never (`hang`) or a recorded answer, for the next `times` requests or until cleared. */
  fail(kind: ManagedIdentityFailure, options?: { readonly times?: number }): void;
  clearFailures(): void;
  /** Every token issued so far (to check that none is written anywhere). */
  readonly issuedTokens: readonly string[];
  readonly requests: number;
  /** Only the first identity assigned, no scenario, counters kept. */
  reset(): void;
}

export function managedIdentityControls(
  state: ManagedIdentityState,
  endpoint: string,
): ManagedIdentityControls {
  const [identity] = [...state.identities.values()];
  if (!identity) throw new Error('the managed identity endpoint starts with one identity');
  const clearFailures = () => {
    state.failures.clear();
    state.pauses.releaseHeld();
  };
  return {
    environment: { IDENTITY_ENDPOINT: endpoint, IDENTITY_HEADER: state.header },
    identity,
    assign(another = newManagedIdentity()) {
      state.identities.set(another.clientId, another);
      return another;
    },
    unassign: (clientId) => state.identities.delete(clientId),
    fail: (kind, options = {}) => state.failures.set(MANAGED_IDENTITY_FAILURES, kind, options.times),
    clearFailures,
    get issuedTokens() {
      return state.issued;
    },
    get requests() {
      return state.requests;
    },
    reset() {
      clearFailures();
      state.identities.clear();
      state.identities.set(identity.clientId, identity);
    },
  };
}
