import type { SecretCredentials } from '../../shared/domain/credentials';
import type { Sandbox } from '../../stand-ins/sandbox';

/** The demo app's credentials, pointed at the sandbox as a national cloud would be. */
export function sandboxCredentials(sandbox: Sandbox): SecretCredentials {
  return {
    type: 'secret',
    tenantId: sandbox.tenant.tenantId,
    clientId: sandbox.tenant.clientId,
    clientSecret: sandbox.tenant.clientSecret,
    authorityHost: sandbox.authorityHost,
    graphEndpoint: sandbox.graphEndpoint,
  };
}
