// Example parameters for infra/main.bicep. `azd up` reads this file and fills the environment variables below;
// with the Azure CLI: az deployment group create --resource-group <rg> --parameters infra/main.bicepparam
using './main.bicep'

// Part of every resource name; azd sets AZURE_ENV_NAME when you create an environment.
param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'nightsafe')

// Who may set the Twilio and partner key secrets; azd sets AZURE_PRINCIPAL_ID to the signed-in user.
param operatorPrincipalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')

// Days before personal data is purged; aggregates are kept.
param retentionDays = 31

// How long a case or summary waits for a partner before it is dead-lettered.
param messageTimeToLive = 'P14D'

// Each partner charity's Entra ID principal, by the agency id it has in routing.json. A principal may
// receive only from its own agency's `cases` and `summaries` subscriptions. For example:
//   { agencyId: 'street-pastors-chelmsford', principalId: '<object id of the partner\'s service principal>' }
param partnerPrincipals = []

// The pages' Entra app registration (App Service Authentication); empty leaves platform sign-in off.
param pagesEntraClientId = readEnvironmentVariable('NIGHTSAFE_PAGES_CLIENT_ID', '')

// Who is told when an alert fires (dead-lettered cases, poison queues, failed SMS, errors, /api/health failing):
// comma-separated, e.g. azd env set NIGHTSAFE_ALERT_EMAILS oncall@example.org,duty.manager@example.org
param alertEmails = empty(readEnvironmentVariable('NIGHTSAFE_ALERT_EMAILS', '')) ? [] : split(readEnvironmentVariable('NIGHTSAFE_ALERT_EMAILS', ''), ',')
param alertSmsNumbers = empty(readEnvironmentVariable('NIGHTSAFE_ALERT_SMS', '')) ? [] : split(readEnvironmentVariable('NIGHTSAFE_ALERT_SMS', ''), ',')
