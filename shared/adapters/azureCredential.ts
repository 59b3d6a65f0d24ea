import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

/** The managed identity of an identity-based connection (`<Prefix>__clientId`), or the default chain. */
export function azureCredential(managedIdentityClientId: string | undefined): TokenCredential {
  return managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: managedIdentityClientId })
    : new DefaultAzureCredential();
}
