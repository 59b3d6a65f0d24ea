// App Service Authentication ("Easy Auth") in front of the Function App: every request needs a
// Microsoft Entra ID sign-in of the sign-in app registration, except the health probe for monitoring.
// A browser without a session is sent to sign in; a script signs in with a bearer token (docs/deploy.md).
// The platform then sets WEBSITE_AUTH_ENABLED=True, strips any x-ms-client-principal a client sent and
// adds its own, which the functions read to check the caller's app role (shared/http/auth/).

@description('Name of the Function App.')
param appName string

@description('Application (client) ID of the sign-in app registration.')
param clientId string

@description('Directory (tenant) ID the users and scripts sign in to.')
param tenantId string

// Named for the credential, not the secret: the value is an app setting's name, and the linter rightly
// treats parameters named *secret* as secrets.
@description('App setting that holds the sign-in registration\'s client secret (a Key Vault reference). Empty: no secret; sign-in then uses ID tokens only.')
param credentialSettingName string

@description('Paths served without sign-in: the health probe for monitoring only.')
param excludedPaths string[]

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource authentication 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: excludedPaths
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: union(
          {
            clientId: clientId
            openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
          },
          empty(credentialSettingName) ? {} : { clientSecretSettingName: credentialSettingName }
        )
        validation: {
          // v2.0 access tokens carry the client id, v1.0 tokens the application ID URI.
          allowedAudiences: [
            clientId
            'api://${clientId}'
          ]
        }
      }
    }
    login: {
      // The functions need the caller's claims only, never their tokens, and Flex Consumption has no
      // file system to keep a token store on.
      tokenStore: {
        enabled: false
      }
      preserveUrlFragmentsForLogins: false
    }
    httpSettings: {
      requireHttps: true
      routes: {
        apiPrefix: '/.auth'
      }
      forwardProxy: {
        convention: 'NoProxy'
      }
    }
  }
}

output enabled bool = authentication.properties.platform.enabled
