// Azure Monitor: the alerts on-call needs for a night, sent to one action group whose contacts are parameters.
// Flex Consumption has no platform health check (siteConfig.healthCheckPath is for App Service and Premium plans),
// so a standard availability test calls GET /api/health instead, and alerts when it fails.

@description('Azure region for the log alerts and the availability test.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Prefix for the alert resources\' names.')
param namePrefix string

@description('Who is told: e-mail addresses.')
param emails string[]

@description('Who is told by SMS: UK mobile numbers in E.164 (+447...).')
param smsNumbers string[]

@description('Service Bus namespace holding topic "cases".')
param namespaceName string

@description('Application Insights component the app and the availability test report to.')
param applicationInsightsName string

@description('The Function App\'s host name, for the availability test.')
param functionAppHostName string

@description('Percentage of failed SMS sends (over 15 minutes, at least 5 sends) that raises an alert.')
param failedSmsPercent int = 10

@description('Percentage of failed HTTP requests (over 15 minutes, at least 10 requests) that raises an alert.')
param failedRequestPercent int = 5

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: namespaceName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-oncall'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'nightsafe'
    enabled: true
    emailReceivers: [
      for (email, i) in emails: {
        name: 'email-${i}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
    smsReceivers: [
      for (number, i) in smsNumbers: {
        name: 'sms-${i}'
        countryCode: '44'
        phoneNumber: startsWith(number, '+44') ? substring(number, 3) : number
      }
    ]
  }
}

// A case nobody could take (expired, or refused by a partner's consumer) lands on a subscription's dead-letter queue.
resource deadLetteredCases 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-dead-lettered-cases'
  location: 'global'
  tags: tags
  properties: {
    description: 'A case message was dead-lettered on topic "cases": a partner never received or refused it. Read the dead-letter queue and route the referral by hand.'
    severity: 1
    enabled: true
    scopes: [
      namespace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                'cases'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

var logAlerts = [
  {
    name: 'poison-queue'
    severity: 1
    description: 'A storage queue message failed every retry and went to a -poison queue (routing: the referral is flagged for manual routing).'
    // The Functions host logs the move to the poison queue; the app logs the routing failure it then handles.
    query: 'union AppTraces, AppExceptions | where tostring(column_ifexists("Message", "")) has "-poison" or tostring(column_ifexists("OuterMessage", "")) has "-poison" or tostring(column_ifexists("Message", "")) has "after every retry" | summarize poisoned = count()'
    measure: 'poisoned'
    threshold: 0
  }
  {
    name: 'failed-sms-rate'
    severity: 2
    description: 'Too many SMS sends failed (Twilio refused them or was unavailable after its retries).'
    query: 'AppTraces | summarize sent = countif(Message has "accepted by Twilio"), failed = countif(Message has "refused by Twilio" or Message has "Twilio unavailable") | where sent + failed >= 5 | extend failedPercent = 100.0 * failed / (sent + failed)'
    measure: 'failedPercent'
    threshold: failedSmsPercent
  }
  {
    name: 'error-rate'
    severity: 2
    description: 'Too many of the app\'s HTTP requests failed (5xx and unhandled errors).'
    query: 'AppRequests | summarize total = count(), failed = countif(Success == false) | where total >= 10 | extend failedPercent = 100.0 * failed / total'
    measure: 'failedPercent'
    threshold: failedRequestPercent
  }
]

resource logAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [
  for alert in logAlerts: {
    name: '${namePrefix}-${alert.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        applicationInsights.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: alert.measure
            operator: 'GreaterThan'
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: '${namePrefix}-health'
  location: location
  // Application Insights links a web test to its component by this tag.
  tags: union(tags, { 'hidden-link:${applicationInsights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: '${namePrefix}-health'
    Name: 'NightSafe GET /api/health'
    Kind: 'standard'
    Enabled: true
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [
      { Id: 'emea-gb-db3-azr' }
      { Id: 'emea-nl-ams-azr' }
      { Id: 'emea-fr-pra-edge' }
    ]
    Request: {
      RequestUrl: 'https://${functionAppHostName}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-health-failing'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /api/health failed from two or more locations: storage or Service Bus is not answering the app.'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: applicationInsights.id
      failedLocationCount: 2
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id
