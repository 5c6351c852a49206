using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NightSafe.Core.Ports;
using NightSafe.Integrations.ServiceBus;
using NightSafe.Integrations.Storage;
using NightSafe.Integrations.Twilio;

namespace NightSafe.Integrations.DependencyInjection;

/// <summary>Registers the adapters behind Core's ports, and the Azure and Twilio clients they use, once.</summary>
public static class IntegrationsServiceCollectionExtensions
{
    /// <summary>Storage (Tables, queues), Service Bus and Twilio; every setting is validated when the host starts.</summary>
    public static IServiceCollection AddNightSafeIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton<Health.HubHealthProbe>();
        return services
            .AddNightSafeStorage(configuration)
            .AddNightSafeServiceBus(configuration)
            .AddNightSafeSms(configuration);
    }

    /// <summary>Table and queue clients, the initializer, and the stores and routing queue on them.</summary>
    public static IServiceCollection AddNightSafeStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageConnectionOptions>()
            .Configure(options => ReadStorage(configuration.GetSection(StorageConnectionOptions.Section), options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageConnectionOptions>, StorageConnectionOptionsValidator>());

        services.AddAzureClients(clients =>
        {
            clients.AddClient<TableServiceClient, TableClientOptions>((options, credential, provider) =>
            {
                options.AddPolicy(provider.GetRequiredService<StorageRequestCounter>().TablePolicy, HttpPipelinePosition.PerRetry);
                options.AddPolicy(provider.GetRequiredService<StorageLanes>().Policy, HttpPipelinePosition.PerRetry);
                var storage = Valid<StorageConnectionOptions>(provider);
                return string.IsNullOrWhiteSpace(storage.ConnectionString)
                    ? new TableServiceClient(storage.TableEndpoint, Credential(storage.ClientId, credential), options)
                    : new TableServiceClient(storage.ConnectionString, options);
            });
            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, credential, provider) =>
            {
                // The Functions host reads queue messages as base64 (host.json), so every queue client writes base64.
                options.MessageEncoding = QueueMessageEncoding.Base64;
                options.AddPolicy(provider.GetRequiredService<StorageRequestCounter>().QueuePolicy, HttpPipelinePosition.PerRetry);
                options.AddPolicy(provider.GetRequiredService<StorageLanes>().Policy, HttpPipelinePosition.PerRetry);
                var storage = Valid<StorageConnectionOptions>(provider);
                return string.IsNullOrWhiteSpace(storage.ConnectionString)
                    ? new QueueServiceClient(storage.QueueEndpoint, Credential(storage.ClientId, credential), options)
                    : new QueueServiceClient(storage.ConnectionString, options);
            });
        });

        // Phone numbers' table keys: HMAC-SHA256 under the pepper, which must be there and resolved (fails closed).
        services.AddOptions<PhoneKeyOptions>()
            .Bind(configuration.GetSection(PhoneKeyOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PhoneKeyOptions>, PhoneKeyOptionsValidator>());
        services.TryAddSingleton(sp => PhoneKeys.From(sp.GetRequiredService<IOptions<PhoneKeyOptions>>()));
        services.TryAddSingleton<IPhoneIds>(sp => sp.GetRequiredService<PhoneKeys>());
        services.TryAddSingleton<LegacyPhoneRows>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageRequestCounter>();
        services.AddOptions<StorageLaneOptions>()
            .Bind(configuration.GetSection(StorageLaneOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(sp => new StorageLanes(sp.GetRequiredService<IOptions<StorageLaneOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddOptions<StorageTransactionOptions>()
            .Bind(configuration.GetSection(StorageTransactionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<StorageTransactionOptions>>().Value);
        services.TryAddSingleton<StorageInitializer>();
        services.TryAddSingleton<IReferralStore, TableReferralStore>();
        services.TryAddSingleton<IInboundLedger, TableInboundLedger>();
        services.TryAddSingleton<TableOfficerRoster>();
        services.TryAddSingleton<IStoredOfficerRoster>(sp => sp.GetRequiredService<TableOfficerRoster>());
        // Roster reads go through a short cache; the control room's changes through it too, so they apply at once here.
        services.TryAddSingleton<CachedOfficerRoster>();
        services.TryAddSingleton<IOfficerRoster>(sp => sp.GetRequiredService<CachedOfficerRoster>());
        services.TryAddSingleton<IRosterDirectory>(sp => sp.GetRequiredService<CachedOfficerRoster>());
        services.TryAddSingleton<IDutyPhoneStore, TableDutyPhones>();
        services.TryAddSingleton<IOptOutRegistry, TableOptOutRegistry>();
        services.TryAddSingleton<IConversationStore, TableConversationStore>();
        services.TryAddSingleton<ISummaryStore, TableSummaryStore>();
        services.TryAddSingleton<IRoutingQueue, StorageRoutingQueue>();
        services.TryAddSingleton<IPartnerLoopQueue, StoragePartnerLoopQueue>();
        services.TryAddSingleton<IOutboundSmsQueue, StorageOutboundSmsQueue>();
        services.TryAddSingleton<ISmsMarkers, TableSmsMarkers>();
        services.TryAddSingleton<ISmsRecordDeletions, TableSmsRecordDeletions>();
        return services;
    }

    /// <summary>The Service Bus client and the publisher of partner messages.</summary>
    public static IServiceCollection AddNightSafeServiceBus(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ServiceBusConnectionOptions>()
            .Bind(configuration.GetSection(ServiceBusConnectionOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceBusConnectionOptions>, ServiceBusConnectionOptionsValidator>());

        services.AddAzureClients(clients => clients.AddClient<ServiceBusClient, ServiceBusClientOptions>((options, credential, provider) =>
        {
            var bus = Valid<ServiceBusConnectionOptions>(provider);
            return string.IsNullOrWhiteSpace(bus.ConnectionString)
                ? new ServiceBusClient(bus.FullyQualifiedNamespace, Credential(bus.ClientId, credential), options)
                : new ServiceBusClient(bus.ConnectionString, options);
        }));

        services.TryAddSingleton<IPartnerMessagePublisher, ServiceBusPartnerMessagePublisher>();
        services.TryAddSingleton<IDeadLetteredCases, ServiceBusDeadLetters>();
        return services;
    }

    /// <summary>Twilio: options from section "Twilio", the retrying HttpClient, the sender and the webhook validator.</summary>
    public static IServiceCollection AddNightSafeSms(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TwilioOptions>()
            .Bind(configuration.GetSection(TwilioOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // Handlers run in the order added: retries outside, the redirect to a stand-in inside, then the socket.
        var twilio = services.AddHttpClient(TwilioSmsSender.HttpClientName);
        twilio.AddResilienceHandler(TwilioRetry.PipelineName, static (pipeline, context) => TwilioRetry.Configure(
            pipeline,
            context.ServiceProvider.GetRequiredService<IOptions<TwilioOptions>>().Value,
            context.ServiceProvider.GetRequiredService<TimeProvider>()));
        twilio.AddHttpMessageHandler(provider => new TwilioApiRedirect(provider.GetRequiredService<IOptions<TwilioOptions>>()));

        services.TryAddSingleton<ISmsSender, TwilioSmsSender>();
        services.TryAddSingleton<ISmsRecords, TwilioSmsSender>();
        services.TryAddSingleton<TwilioWebhookValidator>();
        return services;
    }

    private static void ReadStorage(IConfigurationSection section, StorageConnectionOptions options)
    {
        // "AzureWebJobsStorage" is either a connection string itself or a section of identity-based settings.
        options.ConnectionString = section.Value;
        options.AccountName = section["accountName"];
        options.ClientId = section["clientId"];
        options.TableServiceUri = Absolute(section["tableServiceUri"]);
        options.QueueServiceUri = Absolute(section["queueServiceUri"]);
    }

    private static Uri? Absolute(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : new Uri(text, UriKind.RelativeOrAbsolute);

    private static T Valid<T>(IServiceProvider provider)
        where T : class => provider.GetRequiredService<IOptions<T>>().Value;

    /// <summary>The shared DefaultAzureCredential, or one for a user-assigned identity when a client id is set.</summary>
    private static TokenCredential Credential(string? clientId, TokenCredential shared) =>
        string.IsNullOrWhiteSpace(clientId) ? shared : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
}
