import { type KeyObject, randomBytes, randomUUID } from 'node:crypto';

export interface Tenant {
  readonly tenantId: string;
  /** The tenant's verified domain: every address in it has a mailbox. */
  readonly domain: string;
  readonly displayName: string;
}

export interface AppCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A certificate registered under Certificates & secrets > Certificates. */
export interface RegisteredCertificate {
  readonly publicKey: KeyObject;
  expired: boolean;
}

/** A federated identity credential (Certificates & secrets > Federated credentials). */
export interface FederatedCredential {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

export interface AppRegistration {
  readonly clientId: string;
  readonly displayName: string;
  /** Secret value → whether it has expired. */
  readonly secrets: Map<string, { expired: boolean }>;
  /** SHA-256 thumbprint (hex, upper case) → the certificate. */
  readonly certificates: Map<string, RegisteredCertificate>;
  /** Subject names trusted for subject name and issuer authentication (the manifest's trustedCertificateSubjects). */
  readonly trustedSubjects: Set<string>;
  readonly federatedCredentials: FederatedCredential[];
  disabled: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Whether Entra ID would accept `value` as a tenant identifier at all (a GUID or a DNS name). */
export function isWellFormedTenant(value: string): boolean {
  return GUID.test(value) || DOMAIN_NAME.test(value);
}

/** A client secret shaped like Entra's (three characters, `8Q~`, 34 more). */
function newSecretValue(): string {
  const random = randomBytes(30).toString('base64url').replace(/[-_]/g, 'x');
  return `${random.slice(0, 3)}8Q~${random.slice(3, 37)}`;
}

function newRegistration(clientId: string, displayName: string, clientSecret: string): AppRegistration {
  return {
    clientId,
    displayName,
    secrets: new Map([[clientSecret, { expired: false }]]),
    certificates: new Map(),
    trustedSubjects: new Set(),
    federatedCredentials: [],
    disabled: false,
  };
}

/** The sandbox's directory: one demo tenant and its app registrations. */
export class Directory {
  readonly tenant: Tenant;
  private readonly apps = new Map<string, AppRegistration>();
  private demo: AppCredentials;

  constructor(domain = 'contoso.example', demoClientSecret = newSecretValue()) {
    this.tenant = { tenantId: randomUUID(), domain, displayName: 'Contoso (sandbox)' };
    this.demo = this.registerApp('Exchange connector (demo)', demoClientSecret);
  }

  get demoApp(): AppCredentials {
    return this.demo;
  }

  /** The tenant addressed by GUID or by domain, case-insensitively. */
  findTenant(reference: string): Tenant | undefined {
    const wanted = reference.toLowerCase();
    return wanted === this.tenant.tenantId || wanted === this.tenant.domain.toLowerCase()
      ? this.tenant
      : undefined;
  }

  app(clientId: string): AppRegistration | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  registerApp(displayName = 'Sandbox app', clientSecret = newSecretValue()): AppCredentials {
    const clientId = randomUUID();
    this.apps.set(clientId, newRegistration(clientId, displayName, clientSecret));
    return { clientId, clientSecret };
  }

  addSecret(clientId: string, secret = newSecretValue()): string {
    this.requireApp(clientId).secrets.set(secret, { expired: false });
    return secret;
  }

  expireSecret(clientId: string, secret: string): void {
    const state = this.requireApp(clientId).secrets.get(secret);
    if (!state) throw new Error(`app ${clientId} has no such secret`);
    state.expired = true;
  }

  /** Replaces every secret of the app with a new one, as an administrator fixing it would. */
  rotateSecret(clientId: string): string {
    const app = this.requireApp(clientId);
    app.secrets.clear();
    const secret = newSecretValue();
    app.secrets.set(secret, { expired: false });
    return secret;
  }

  setDisabled(clientId: string, disabled: boolean): void {
    this.requireApp(clientId).disabled = disabled;
  }

  /** Forgets every registered app and gives the demo app back its original, working secret. */
  reset(): void {
    const demo = this.demo;
    this.apps.clear();
    this.apps.set(
      demo.clientId,
      newRegistration(demo.clientId, 'Exchange connector (demo)', demo.clientSecret),
    );
  }

  /** The app registration, for the controls that change its certificates and federated credentials. */
  requireApp(clientId: string): AppRegistration {
    const app = this.app(clientId);
    if (!app) throw new Error(`no app registration ${clientId} in the sandbox`);
    return app;
  }
}
