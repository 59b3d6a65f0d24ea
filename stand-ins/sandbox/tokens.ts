import { randomBytes } from 'node:crypto';

export interface TokenGrant {
  readonly clientId: string;
  readonly tenantId: string;
  readonly expiresAt: number;
}

const SWEEP_ABOVE = 10_000;

/** Opaque access tokens issued by the token endpoint, valid at the Graph server until they expire. */
export class AccessTokens {
  private readonly grants = new Map<string, TokenGrant>();

  issue(clientId: string, tenantId: string, lifetimeSeconds: number): string {
    if (this.grants.size >= SWEEP_ABOVE) this.sweep();
    const token = randomBytes(48).toString('base64url');
    this.grants.set(token, { clientId, tenantId, expiresAt: Date.now() + lifetimeSeconds * 1000 });
    return token;
  }

  /** The grant behind a token; `expired` once its lifetime is over; undefined if never issued. */
  verify(token: string): TokenGrant | 'expired' | undefined {
    const grant = this.grants.get(token);
    if (!grant) return undefined;
    return grant.expiresAt <= Date.now() ? 'expired' : grant;
  }

  /** Drops expired tokens, then the oldest, so a long benchmark cannot grow the map without bound. */
  private sweep(): void {
    const now = Date.now();
    for (const [token, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(token);
    for (const token of this.grants.keys()) {
      if (this.grants.size < SWEEP_ABOVE / 2) break;
      this.grants.delete(token);
    }
  }
}
