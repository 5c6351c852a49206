// Service Bus: topics `cases` and `summaries`, one subscription per agency on each, filtered to that agency.

@description('Azure region for the namespace.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Globally unique namespace name.')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Agency ids from routing.json; each gets a subscription of that name on every topic.')
param agencyIds string[]

@description('ISO 8601 time a message lives unread before it is dead-lettered.')
param messageTimeToLive string

@description('Log Analytics workspace that receives the namespace\'s logs and metrics.')
param logAnalyticsWorkspaceId string

var topicNames = [
  'cases'
  'summaries'
]

// One entry per (topic, agency): the subscriptions and their rules are generated from this list.
var topicAgencies = flatten(map(
  topicNames,
  topic =>
    map(agencyIds, agency => {
      topic: topic
      agency: agency
    })
))

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [
  for name in topicNames: {
    parent: namespace
    name: name
    properties: {
      requiresDuplicateDetection: true
      // The same window as the local emulator, so a retried publish is absorbed the same way in both.
      duplicateDetectionHistoryTimeWindow: 'PT10M'
      defaultMessageTimeToLive: messageTimeToLive
      enableBatchedOperations: true
      maxSizeInMegabytes: 1024
    }
  }
]

resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for entry in topicAgencies: {
    parent: topics[indexOf(topicNames, entry.topic)]
    name: entry.agency
    properties: {
      maxDeliveryCount: 10
      lockDuration: 'PT1M'
      defaultMessageTimeToLive: messageTimeToLive
      // An expired case is let go, not dead-lettered: a dead-letter queue would keep a person's data past retention,
      // and the partner loop has escalated an unanswered case within minutes of routing.
      deadLetteringOnMessageExpiration: false
      deadLetteringOnFilterEvaluationExceptions: true
      enableBatchedOperations: true
      requiresSession: false
    }
  }
]

// Creating a rule through Resource Manager removes the subscription's match-all `$Default` rule, so this
// correlation filter is the only rule. It must not itself be named `$Default`: that leaves no rule at all.
resource agencyFilters 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [
  for (entry, i) in topicAgencies: {
    parent: subscriptions[i]
    name: 'agency'
    properties: {
      filterType: 'CorrelationFilter'
      correlationFilter: {
        properties: {
          agency: entry.agency
        }
      }
    }
  }
]

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: namespace
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = namespace.name
// The host name alone (no scheme or port), which is what the SDK's fullyQualifiedNamespace setting wants.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]
