import type { Tenant } from './directory';
import type { EntraState } from './entraServer';

/** The tenant's OpenID configuration, pointing at the sandbox. */
export function openIdConfiguration(state: EntraState, tenant: Tenant): Record<string, unknown> {
  const base = `${state.authorityHost}/${tenant.tenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${state.graphEndpoint}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'tid', 'ver', 'oid'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(state.authorityHost).host,
    cloud_graph_host_name: new URL(state.graphEndpoint).host,
    msgraph_host: new URL(state.graphEndpoint).host,
    rbac_url: 'https://management.azure.com',
  };
}

/** Instance discovery: the sandbox is a cloud of its own, with one alias. */
export function instanceDiscovery(state: EntraState, url: URL): Record<string, unknown> {
  const host = new URL(state.authorityHost).host;
  const authorizationEndpoint = url.searchParams.get('authorization_endpoint');
  let tenant = 'common';
  if (authorizationEndpoint) {
    try {
      tenant = new URL(authorizationEndpoint).pathname.split('/').filter(Boolean)[0] ?? tenant;
    } catch {
      // Entra answers a malformed authorization_endpoint with the common tenant's document too.
    }
  }
  return {
    tenant_discovery_endpoint: `${state.authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': url.searchParams.get('api-version') ?? '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
