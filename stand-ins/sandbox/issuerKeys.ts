import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signJwt } from './jwt';

interface KeyPair {
  readonly kid: string;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

/**
 * The key the sandbox's Entra ID signs its own tokens with: the managed identity tokens the
 * federated credentials accept, and the JWKS (`/discovery/v2.0/keys`) that publishes it. Made on
 * first use: an RSA key takes a few hundred milliseconds, and most sandboxes never need it.
 */
export class IssuerKeys {
  private pair: KeyPair | undefined;

  get kid(): string {
    return this.keys().kid;
  }

  get publicKey(): KeyObject {
    return this.keys().publicKey;
  }

  sign(payload: Record<string, unknown>): string {
    return signJwt({ kid: this.kid }, payload, this.keys().privateKey);
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ ...jwk, kid: this.kid, kty: 'RSA', use: 'sig', alg: 'RS256' }] };
  }

  private keys(): KeyPair {
    if (!this.pair) {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const der = publicKey.export({ type: 'spki', format: 'der' });
      const kid = createHash('sha256').update(der).digest('base64url').slice(0, 27);
      this.pair = { kid, publicKey, privateKey };
    }
    return this.pair;
  }
}
