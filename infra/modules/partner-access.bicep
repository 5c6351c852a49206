// Partner agencies' read access: each principal receives from its own agency's subscriptions and nothing else.

@export()
@description('A partner agency\'s Entra ID principal and the agency (routing.json id) whose cases it reads.')
type partnerPrincipal = {
  @description('Agency id from routing.json; also the name of its Service Bus subscriptions.')
  agencyId: string

  @description('Object id of the partner\'s service principal, managed identity or group.')
  principalId: string

  @description('Kind of principal; defaults to ServicePrincipal.')
  principalType: ('ServicePrincipal' | 'Group' | 'User')?
}

@description('Namespace holding the `cases` and `summaries` topics.')
param namespaceName string

@description('Partner principals to grant.')
param partnerPrincipals partnerPrincipal[]

var topicNames = [
  'cases'
  'summaries'
]

// Azure Service Bus Data Receiver.
var dataReceiverRoleId = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'

var grants = flatten(map(
  partnerPrincipals,
  partner =>
    map(topicNames, topic => {
      topic: topic
      agencyId: partner.agencyId
      principalId: partner.principalId
      principalType: partner.?principalType ?? 'ServicePrincipal'
    })
))

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource topics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = [
  for name in topicNames: {
    parent: namespace
    name: name
  }
]

// An agency id that routing.json does not list names no subscription, and the deployment fails here.
resource agencySubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' existing = [
  for grant in grants: {
    parent: topics[indexOf(topicNames, grant.topic)]
    name: grant.agencyId
  }
]

resource receiverAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in grants: {
    scope: agencySubscriptions[i]
    name: guid(agencySubscriptions[i].id, grant.principalId, dataReceiverRoleId)
    properties: {
      principalId: grant.principalId
      principalType: grant.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiverRoleId)
      description: 'NightSafe partner ${grant.agencyId}: receive from ${grant.topic}/${grant.agencyId} only.'
    }
  }
]
