// NightSafe in Azure: the hub's Function App on Flex Consumption, its storage, Service Bus, Key Vault and monitoring.
// Deploy with `azd up`, or az deployment group create --template-file infra/main.bicep --parameters infra/main.bicepparam.

targetScope = 'resourceGroup'

metadata description = 'NightSafe: night-time economy safeguarding referrals hub.'

import { partnerPrincipal } from 'modules/partner-access.bicep'

@description('Environment name (azd sets it from AZURE_ENV_NAME); part of every resource name and tagged on each.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region; must offer Flex Consumption. Defaults to the resource group\'s region.')
param location string = resourceGroup().location

@description('Days personal data is kept before the retention purge removes it (Retention__Days).')
@minValue(1)
@maxValue(3650)
param retentionDays int = 31

@description('ISO 8601 time a case or summary message waits unread before it is dead-lettered.')
param messageTimeToLive string = 'P14D'

@description('Partner agencies\' principals; each may receive from its own agency\'s subscriptions only.')
param partnerPrincipals partnerPrincipal[] = []

@description('Client id of the Entra app registration for the pages (App Service Authentication); empty leaves it off (case links still work).')
param pagesEntraClientId string = ''

@description('Object id of whoever sets the Key Vault secrets (azd passes the signed-in user); empty for none.')
param operatorPrincipalId string = ''

@description('Upper bound on Function App instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per Function App instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('E-mail addresses the alerts go to (on-call, the control room\'s duty manager).')
param alertEmails string[] = []

@description('UK mobile numbers (E.164) the alerts are texted to.')
param alertSmsNumbers string[] = []

// Only the agency ids: loading the whole file would copy the officer roster into the deployment history.
var agencyIds = loadJsonContent('../functions/NightSafe.Functions/routing.json', '$.agencies[*].id')

var resourceToken = toLower(uniqueString(resourceGroup().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'nightsafe'
}

// Names are fixed before anything deploys, so what-if can predict every resource precisely.
var names = {
  workspace: 'log-nightsafe-${resourceToken}'
  applicationInsights: 'appi-nightsafe-${resourceToken}'
  storageAccount: 'stnightsafe${take(resourceToken, 13)}'
  deploymentContainer: 'app-package'
  serviceBusNamespace: 'sb-nightsafe-${resourceToken}'
  keyVault: 'kv-ns-${resourceToken}'
  plan: 'plan-nightsafe-${resourceToken}'
  functionApp: 'func-nightsafe-${resourceToken}'
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    workspaceName: names.workspace
    applicationInsightsName: names.applicationInsights
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    accountName: names.storageAccount
    skuName: storageSkuName
    deploymentContainerName: names.deploymentContainer
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'service-bus'
  params: {
    location: location
    tags: tags
    namespaceName: names.serviceBusNamespace
    agencyIds: agencyIds
    messageTimeToLive: messageTimeToLive
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module partnerAccess 'modules/partner-access.bicep' = {
  name: 'partner-access'
  dependsOn: [
    serviceBus
  ]
  params: {
    namespaceName: names.serviceBusNamespace
    partnerPrincipals: partnerPrincipals
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'key-vault'
  params: {
    location: location
    tags: tags
    vaultName: names.keyVault
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    operatorPrincipalId: operatorPrincipalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'function-app'
  dependsOn: [
    storage
  ]
  params: {
    location: location
    tags: tags
    planName: names.plan
    appName: names.functionApp
    storageAccountName: names.storageAccount
    deploymentContainerName: names.deploymentContainer
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module appRoles 'modules/app-roles.bicep' = {
  name: 'app-roles'
  dependsOn: [
    storage
    serviceBus
    keyVault
  ]
  params: {
    // Assignment names hash the identity, so a recreated app gets fresh assignments; what-if cannot know it yet.
    #disable-next-line what-if-short-circuiting
    principalId: functionApp.outputs.principalId
    storageAccountName: names.storageAccount
    namespaceName: names.serviceBusNamespace
    vaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
  }
}

// Settings go on after the roles, so Key Vault references and identity connections resolve at first start.
module appSettings 'modules/app-settings.bicep' = {
  name: 'app-settings'
  dependsOn: [
    appRoles
    functionApp
  ]
  params: {
    appName: names.functionApp
    storageAccountName: names.storageAccount
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    vaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
    agencyIds: agencyIds
    retentionDays: retentionDays
    pagesPlatformAuthentication: !empty(pagesEntraClientId)
    pagesEntraCredentialSetting: pagesEntraCredentialSetting
  }
}

var pagesEntraCredentialSetting = 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET'

// Entra ID sign-in in front of the night board and the partner desks, with one app role per agency.
module pagesAuth 'modules/pages-auth.bicep' = if (!empty(pagesEntraClientId)) {
  name: 'pages-auth'
  dependsOn: [
    appSettings
  ]
  params: {
    appName: names.functionApp
    clientId: pagesEntraClientId
    entraCredentialSetting: pagesEntraCredentialSetting
    agencyIds: agencyIds
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  dependsOn: [
    serviceBus
  ]
  params: {
    location: location
    tags: tags
    namePrefix: 'nightsafe-${resourceToken}'
    emails: alertEmails
    smsNumbers: alertSmsNumbers
    namespaceName: names.serviceBusNamespace
    applicationInsightsName: names.applicationInsights
    functionAppHostName: functionApp.outputs.defaultHostName
  }
}

@description('Name of the Function App.')
output FUNCTION_APP_NAME string = names.functionApp

@description('Default host name of the Function App.')
output FUNCTION_APP_HOST_NAME string = functionApp.outputs.defaultHostName

@description('Twilio console: "A message comes in" webhook (HTTP POST).')
output TWILIO_INBOUND_WEBHOOK_URL string = 'https://${functionApp.outputs.defaultHostName}/api/sms/inbound'

@description('Twilio console: status callback URL (HTTP POST).')
output TWILIO_STATUS_CALLBACK_URL string = 'https://${functionApp.outputs.defaultHostName}/api/sms/status'

@description('Service Bus namespace host name partners connect to.')
output SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace

@description('Key Vault the operator puts the Twilio and partner key secrets in.')
output KEY_VAULT_NAME string = names.keyVault

@description('Night board (sign in with Entra ID, role NightSafe.ControlRoom).')
output NIGHT_BOARD_URL string = 'https://${functionApp.outputs.defaultHostName}/api/board'

@description('Entra app registration (client id) in front of the pages; empty when the pages have no platform sign-in.')
output PAGES_CLIENT_ID string = pagesEntraClientId

@description('The app roles the pages read, as JSON for az ad app update --app-roles (the postprovision hook applies them).')
output PAGES_APP_ROLES string = empty(pagesEntraClientId) ? '[]' : string(pagesAuth!.outputs.appRoles)
