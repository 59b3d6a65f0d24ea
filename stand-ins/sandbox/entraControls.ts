import { createPublicKey, X509Certificate } from 'node:crypto';
import type { CertificateAuthority } from './certificates';
import { issuerOf } from './clientAssertions';
import {
  type ClientCertificateFiles,
  type ClientCertificateOptions,
  issueClientCertificate,
} from './clientCertificates';
import type { EntraCounterReadings } from './counters';
import type { AppCredentials, FederatedCredential } from './directory';
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
  /** A new client certificate with its private key, issued by the sandbox CA (not registered yet). */
  newCertificate(options?: ClientCertificateOptions): ClientCertificateFiles;
  /** Uploads the public certificate under Certificates & secrets > Certificates; returns its SHA-256 thumbprint. */
  registerCertificate(certificatePem: string, clientId?: string): string;
  /** Makes a registered certificate answer AADSTS700027 "The key used is expired". */
  expireCertificate(thumbprintSha256: string, clientId?: string): void;
  /** Trusts a subject name (e.g. `CN=exchange-connector`) for subject name and issuer authentication. */
  trustSubject(subject: string, clientId?: string): void;
  /** The `iss` of the sandbox's managed identity tokens: the issuer of a federated credential. */
  readonly federatedIssuer: string;
  /** Adds a federated identity credential (issuer: the sandbox's; audience: api://AzureADTokenExchange). */
  addFederatedCredential(
    credential: {
      readonly subject: string;
      readonly issuer?: string;
      readonly audiences?: readonly string[];
    },
    clientId?: string,
  ): void;
  removeFederatedCredentials(clientId?: string): void;
  /** Moves the clock the token endpoint judges assertions by (AADSTS700024 beyond 5 minutes). */
  setClockSkew(seconds: number): void;
  /** Clears scenarios, counters and the clock skew, forgets registered apps and restores the demo app and its secret. */
  reset(): void;
}

const DEFAULT_RETRY_AFTER_SECONDS = 5;

export function entraControls(state: EntraState, ca: CertificateAuthority): EntraControls {
  const demo = () => state.directory.demoApp.clientId;
  const app = (clientId: string) => state.directory.requireApp(clientId);
  const federatedIssuer = () => issuerOf(state.assertions, state.directory.tenant);
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
    newCertificate: (options) => issueClientCertificate(ca, options),
    registerCertificate(certificatePem, clientId = demo()) {
      const certificate = new X509Certificate(certificatePem);
      const thumbprint = certificate.fingerprint256.replace(/:/g, '');
      app(clientId).certificates.set(thumbprint, {
        publicKey: createPublicKey(certificatePem),
        expired: false,
      });
      return thumbprint;
    },
    expireCertificate(thumbprint, clientId = demo()) {
      const registered = app(clientId).certificates.get(thumbprint.toUpperCase());
      if (!registered) throw new Error(`app ${clientId} has no certificate ${thumbprint}`);
      registered.expired = true;
    },
    trustSubject: (subject, clientId = demo()) => app(clientId).trustedSubjects.add(subject),
    get federatedIssuer() {
      return federatedIssuer();
    },
    addFederatedCredential(credential, clientId = demo()) {
      const federated: FederatedCredential = {
        issuer: credential.issuer ?? federatedIssuer(),
        subject: credential.subject,
        audiences: credential.audiences ?? ['api://AzureADTokenExchange'],
      };
      app(clientId).federatedCredentials.push(federated);
    },
    removeFederatedCredentials: (clientId = demo()) => {
      app(clientId).federatedCredentials.length = 0;
    },
    setClockSkew: (seconds) => {
      state.assertions.clockSkewMs = seconds * 1000;
    },
    reset: () => {
      clearFailures();
      state.counters.reset();
      state.directory.reset();
      state.assertions.clockSkewMs = 0;
    },
  };
}
