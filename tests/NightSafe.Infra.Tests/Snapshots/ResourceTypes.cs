namespace NightSafe.Infra.Tests.Snapshots;

/// <summary>Azure resource types the tests look for.</summary>
public static class ResourceTypes
{
    public const string StorageAccount = "Microsoft.Storage/storageAccounts";
    public const string BlobContainer = "Microsoft.Storage/storageAccounts/blobServices/containers";
    public const string Queue = "Microsoft.Storage/storageAccounts/queueServices/queues";
    public const string Table = "Microsoft.Storage/storageAccounts/tableServices/tables";
    public const string ServiceBusNamespace = "Microsoft.ServiceBus/namespaces";
    public const string Topic = "Microsoft.ServiceBus/namespaces/topics";
    public const string Subscription = "Microsoft.ServiceBus/namespaces/topics/subscriptions";
    public const string Rule = "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules";
    public const string KeyVault = "Microsoft.KeyVault/vaults";
    public const string Plan = "Microsoft.Web/serverfarms";
    public const string Site = "Microsoft.Web/sites";
    public const string SiteConfig = "Microsoft.Web/sites/config";
    public const string PublishingCredentialsPolicy = "Microsoft.Web/sites/basicPublishingCredentialsPolicies";
    public const string Workspace = "Microsoft.OperationalInsights/workspaces";
    public const string ApplicationInsights = "Microsoft.Insights/components";
    public const string DiagnosticSetting = "Microsoft.Insights/diagnosticSettings";
    public const string ActionGroup = "Microsoft.Insights/actionGroups";
    public const string MetricAlert = "Microsoft.Insights/metricAlerts";
    public const string LogAlert = "Microsoft.Insights/scheduledQueryRules";
    public const string WebTest = "Microsoft.Insights/webtests";
    public const string RoleAssignment = "Microsoft.Authorization/roleAssignments";
}

/// <summary>Built-in role definition ids (the same in every tenant).</summary>
public static class BuiltInRoles
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    public const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
}
