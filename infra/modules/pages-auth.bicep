// App Service Authentication (Entra ID) in front of the pages. The platform signs people in, strips any
// X-MS-CLIENT-PRINCIPAL header a client sends, and passes the signed-in principal (with its app roles) to the app.
// Unauthenticated requests are allowed through: Twilio's webhooks, the partner API and case links carry their own
// proof, and a page without a principal redirects to /.auth/login/aad itself.

@description('The Function App the pages are served by.')
param appName string

@description('Client (application) id of the Entra app registration for the pages.')
param clientId string

@description('Entra tenant of that registration.')
param tenantId string = subscription().tenantId

@description('App setting holding the registration\'s client secret (a Key Vault reference).')
param entraCredentialSetting string

@description('Agency ids in routing.json order: one app role each, beside the control room\'s.')
param agencyIds string[]

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
      forwardProxy: {
        convention: 'NoProxy'
      }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
          clientId: clientId
          clientSecretSettingName: entraCredentialSetting
        }
        validation: {
          allowedAudiences: [
            'api://${clientId}'
            clientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: true
      }
      preserveUrlFragmentsForLogins: false
    }
  }
}

// The app roles the pages read (Pages:ControlRoomRole, Pages:AgencyRolePrefix + agency id). Entra app registrations
// are Microsoft Graph objects, not Resource Manager ones: apply this list with
// `az ad app update --id <clientId> --app-roles @roles.json`, which azd's postprovision hook runs from main.bicep's
// PAGES_APP_ROLES output (README.md, Deploy to Azure); then assign people to roles.
output appRoles object[] = concat(
  [
    {
      allowedMemberTypes: ['User']
      displayName: 'Control room and duty inspectors'
      description: 'The night board, dossiers and past nights.'
      id: guid(clientId, 'NightSafe.ControlRoom')
      isEnabled: true
      value: 'NightSafe.ControlRoom'
    }
  ],
  map(agencyIds, agency => {
    allowedMemberTypes: ['User']
    displayName: 'Partner desk: ${agency}'
    description: 'The partner desk of ${agency}: its own cases in its minimised view.'
    id: guid(clientId, 'NightSafe.Agency.${agency}')
    isEnabled: true
    value: 'NightSafe.Agency.${agency}'
  })
)
