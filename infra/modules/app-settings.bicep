// The app's settings: the contract between this infrastructure and the hub's configuration.
// Everything is by identity or a Key Vault reference; no key, token or connection secret appears here.

@description('The Function App to configure.')
param appName string

@description('The hub\'s storage account (identity-based AzureWebJobsStorage).')
param storageAccountName string

@description('Service Bus host name, e.g. sb-example.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Key Vault holding the Twilio and partner key secrets.')
param vaultName string

@description('Application Insights component the app reports to.')
param applicationInsightsName string

@description('Agency ids in routing.json order; agency i authenticates with Partners__Keys__i.')
param agencyIds string[]

@description('Days personal data is kept before the retention purge removes it.')
param retentionDays int

@description('Whether App Service Authentication (Entra ID) is in front of the pages.')
param pagesPlatformAuthentication bool

@description('App setting name App Service Authentication reads the Entra client secret from.')
param pagesEntraCredentialSetting string

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Secret names in the vault; the operator creates them (see infra/README.md).
var twilioSecrets = {
  accountSid: 'twilio-account-sid'
  authToken: 'twilio-auth-token'
  from: 'twilio-from'
}

var hubSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  ServiceBus__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  Twilio__AccountSid: keyVaultReference(vaultName, twilioSecrets.accountSid)
  Twilio__AuthToken: keyVaultReference(vaultName, twilioSecrets.authToken)
  Twilio__From: keyVaultReference(vaultName, twilioSecrets.from)
  // Twilio signs webhooks against the URL it was given, which is this host name, not what the worker sees.
  NightSafe__PublicBaseUrl: 'https://${app.properties.defaultHostName}'
  Retention__Days: string(retentionDays)
  // The host refuses larger bodies with 413 before the worker buffers them (its default is 100 MB). The largest
  // body NightSafe reads is a roster import (512 KiB of CSV); every other endpoint stops at 64 KiB itself.
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '1048576'
  // Signs page sessions, CSRF tokens and case links; 32+ random bytes, base64 (README.md, Deploy to Azure).
  Pages__SigningKey: keyVaultReference(vaultName, 'pages-signing-key')
  // Keys phone numbers in the tables (HMAC-SHA256); 32+ random bytes, base64. The app refuses to start without it.
  PhoneKeys__Pepper: keyVaultReference(vaultName, 'phone-key-pepper')
  // Only true when the platform signs people in and strips X-MS-CLIENT-PRINCIPAL from clients' requests.
  Pages__PlatformAuthentication: string(pagesPlatformAuthentication)
}

var pagesAuthSettings = pagesPlatformAuthentication
  ? {
      '${pagesEntraCredentialSetting}': keyVaultReference(vaultName, 'pages-entra-client-secret')
    }
  : {}

// Only a SHA-256 of each partner key is stored; the partner keeps the key itself.
var partnerKeySettings = toObject(
  flatten(map(range(0, length(agencyIds)), i => [
    {
      name: 'Partners__Keys__${i}__Agency'
      value: agencyIds[i]
    }
    {
      name: 'Partners__Keys__${i}__Sha256'
      value: keyVaultReference(vaultName, 'partner-key-sha256-${agencyIds[i]}')
    }
  ])),
  setting => setting.name,
  setting => setting.value
)

func keyVaultReference(vault string, secretName string) string =>
  '@Microsoft.KeyVault(VaultName=${vault};SecretName=${secretName})'

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(hubSettings, partnerKeySettings, pagesAuthSettings)
}
