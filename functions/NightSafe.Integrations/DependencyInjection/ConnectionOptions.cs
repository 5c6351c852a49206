using Microsoft.Extensions.Options;

namespace NightSafe.Integrations.DependencyInjection;

/// <summary>
/// Where the storage account is: <c>AzureWebJobsStorage</c> as a connection string (locally), or the identity-based
/// form <c>AzureWebJobsStorage:accountName</c> (app setting <c>AzureWebJobsStorage__accountName</c>) in Azure, with
/// optional explicit service URIs and a user-assigned identity's client id.
/// </summary>
public sealed class StorageConnectionOptions
{
    public const string Section = "AzureWebJobsStorage";

    public string? ConnectionString { get; set; }

    public string? AccountName { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    /// <summary>A user-assigned managed identity's client id; null uses DefaultAzureCredential's own choice.</summary>
    public string? ClientId { get; set; }

    public Uri TableEndpoint => TableServiceUri ?? new Uri($"https://{AccountName}.table.core.windows.net");

    public Uri QueueEndpoint => QueueServiceUri ?? new Uri($"https://{AccountName}.queue.core.windows.net");
}

/// <summary>Where Service Bus is: <c>ServiceBus:connectionString</c> (the local emulator) or <c>ServiceBus:fullyQualifiedNamespace</c>.</summary>
public sealed class ServiceBusConnectionOptions
{
    public const string Section = "ServiceBus";

    public string? ConnectionString { get; set; }

    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>A user-assigned managed identity's client id; null uses DefaultAzureCredential's own choice.</summary>
    public string? ClientId { get; set; }
}

/// <summary>Fails the start, naming the setting, when the storage account is not configured.</summary>
public sealed class StorageConnectionOptionsValidator : IValidateOptions<StorageConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasAccount = !string.IsNullOrWhiteSpace(options.AccountName);
        var hasUris = options.TableServiceUri is not null && options.QueueServiceUri is not null;
        if (!hasConnectionString && !hasAccount && !hasUris)
        {
            return ValidateOptionsResult.Fail(
                "Storage is not configured: set AzureWebJobsStorage to a connection string (locally), or AzureWebJobsStorage__accountName to the account's name (Azure, managed identity).");
        }

        if (hasAccount && !IsAccountName(options.AccountName!))
        {
            return ValidateOptionsResult.Fail("AzureWebJobsStorage:accountName must be a storage account name: 3 to 24 lower-case letters and digits.");
        }

        foreach (var (setting, uri) in new[] { ("tableServiceUri", options.TableServiceUri), ("queueServiceUri", options.QueueServiceUri) })
        {
            if (uri is { IsAbsoluteUri: false })
            {
                return ValidateOptionsResult.Fail($"AzureWebJobsStorage:{setting} must be an absolute URI.");
            }
        }

        return ValidateOptionsResult.Success;
    }

    private static bool IsAccountName(string name) =>
        name.Length is >= 3 and <= 24 && name.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));
}

/// <summary>Fails the start, naming the setting, when Service Bus is not configured.</summary>
public sealed class ServiceBusConnectionOptionsValidator : IValidateOptions<ServiceBusConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceBusConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasNamespace = !string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace);
        if (!hasConnectionString && !hasNamespace)
        {
            return ValidateOptionsResult.Fail(
                "Service Bus is not configured: set ServiceBus:connectionString (ServiceBus__connectionString; the local emulator), or ServiceBus:fullyQualifiedNamespace (ServiceBus__fullyQualifiedNamespace; Azure, managed identity).");
        }

        if (!hasConnectionString && (options.FullyQualifiedNamespace!.Contains('/', StringComparison.Ordinal) || !options.FullyQualifiedNamespace.Contains('.', StringComparison.Ordinal)))
        {
            return ValidateOptionsResult.Fail("ServiceBus:fullyQualifiedNamespace must be a host name such as nightsafe.servicebus.windows.net, without a scheme or path.");
        }

        return ValidateOptionsResult.Success;
    }
}
