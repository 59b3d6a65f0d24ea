import { Client } from '@microsoft/microsoft-graph-client';
import type { Sandbox } from '../../stand-ins/sandbox';

/** An app-only token of the sandbox's demo tenant, fetched as any client would. */
export async function appToken(target: Sandbox): Promise<string> {
  const response = await fetch(`${target.authorityHost}/${target.tenant.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: target.tenant.clientId,
      client_secret: target.tenant.clientSecret,
      scope: `${target.graphEndpoint}/.default`,
    }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

/** The real Graph client pointed at the sandbox, as for a national cloud. */
export function graphClient(target: Sandbox, accessToken: () => string): Client {
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => accessToken() },
    baseUrl: target.graphEndpoint,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(target.graphEndpoint).hostname]),
  });
}
