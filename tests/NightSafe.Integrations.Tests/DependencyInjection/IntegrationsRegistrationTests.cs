using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NightSafe.Core.Ports;
using NightSafe.Integrations.DependencyInjection;
using NightSafe.Integrations.ServiceBus;
using NightSafe.Integrations.Storage;
using NightSafe.Integrations.Twilio;

namespace NightSafe.Integrations.Tests.DependencyInjection;

public sealed class IntegrationsRegistrationTests
{
    private const string LocalStorage = "UseDevelopmentStorage=true";
    private const string LocalServiceBus = "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

    private static Dictionary<string, string?> Complete() => new()
    {
        ["AzureWebJobsStorage"] = LocalStorage,
        ["ServiceBus:connectionString"] = LocalServiceBus,
        ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["Twilio:AuthToken"] = "fedcba9876543210fedcba9876543210",
        ["Twilio:From"] = "+447700900000",
        ["PhoneKeys:Pepper"] = "q0Rl1xW3pN9mV8sT2uY6bC4eF7hJ0kL5oP1rS3tU9wA=",
    };

    [Fact]
    public async Task A_complete_configuration_starts_and_every_port_has_its_adapter_once()
    {
        await using var provider = Build(Complete());

        Validate(provider);

        Assert.IsType<TableReferralStore>(provider.GetRequiredService<IReferralStore>());
        Assert.IsType<TableInboundLedger>(provider.GetRequiredService<IInboundLedger>());
        Assert.IsType<CachedOfficerRoster>(provider.GetRequiredService<IOfficerRoster>());
        Assert.IsType<TableOptOutRegistry>(provider.GetRequiredService<IOptOutRegistry>());
        Assert.IsType<TableSummaryStore>(provider.GetRequiredService<ISummaryStore>());
        Assert.IsType<StorageRoutingQueue>(provider.GetRequiredService<IRoutingQueue>());
        Assert.IsType<ServiceBusPartnerMessagePublisher>(provider.GetRequiredService<IPartnerMessagePublisher>());
        Assert.IsType<TwilioSmsSender>(provider.GetRequiredService<ISmsSender>());
        Assert.NotNull(provider.GetRequiredService<TwilioWebhookValidator>());
        Assert.Same(provider.GetRequiredService<IReferralStore>(), provider.GetRequiredService<IReferralStore>());
        Assert.Same(provider.GetRequiredService<ServiceBusClient>(), provider.GetRequiredService<ServiceBusClient>());
        Assert.Same(provider.GetRequiredService<TableServiceClient>(), provider.GetRequiredService<TableServiceClient>());
        Assert.Same(provider.GetRequiredService<StorageInitializer>(), provider.GetRequiredService<StorageInitializer>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Theory]
    [InlineData("Twilio:AccountSid", "Twilio:AccountSid")]
    [InlineData("Twilio:AuthToken", "Twilio:AuthToken")]
    [InlineData("Twilio:From", "Twilio:From or Twilio:MessagingServiceSid")]
    [InlineData("AzureWebJobsStorage", "AzureWebJobsStorage")]
    [InlineData("ServiceBus:connectionString", "ServiceBus:connectionString")]
    [InlineData("PhoneKeys:Pepper", "PhoneKeys:Pepper")]
    public async Task A_missing_setting_fails_the_start_naming_it(string missing, string named)
    {
        var settings = Complete();
        settings.Remove(missing);
        await using var provider = Build(settings);

        var error = Assert.ThrowsAny<OptionsValidationException>(() => Validate(provider));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Twilio:AccountSid", "SK0123456789abcdef0123456789abcdef", "Twilio:AccountSid must be AC")]
    [InlineData("Twilio:From", "07700 900000", "Twilio:From must be a number in E.164")]
    [InlineData("Twilio:MessagingServiceSid", "MG0123456789abcdef0123456789abcdef", "both set")]
    [InlineData("Twilio:ApiBaseUrl", "/relative", "Twilio:ApiBaseUrl must be an absolute")]
    [InlineData("Twilio:MaxAttempts", "0", "Twilio:MaxAttempts")]
    [InlineData("AzureWebJobsStorage:accountName", "Not_An-Account", "AzureWebJobsStorage:accountName")]
    [InlineData("PhoneKeys:Pepper", "@Microsoft.KeyVault(VaultName=kv-nightsafe;SecretName=phone-key-pepper)", "PhoneKeys:Pepper is an unresolved Key Vault reference")]
    [InlineData("PhoneKeys:Pepper", "c2hvcnQ=", "PhoneKeys:Pepper must be base64 of at least 32")]
    [InlineData("PhoneKeys:Pepper", "not base64 at all!", "PhoneKeys:Pepper must be base64 of at least 32")]
    public async Task A_wrong_setting_fails_the_start_naming_it(string key, string value, string expected)
    {
        var settings = Complete();
        if (key.StartsWith("AzureWebJobsStorage:", StringComparison.Ordinal))
        {
            settings.Remove("AzureWebJobsStorage");
        }

        settings[key] = value;
        await using var provider = Build(settings);

        var error = Assert.ThrowsAny<OptionsValidationException>(() => Validate(provider));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_based_settings_point_the_clients_at_Azure()
    {
        var settings = Complete();
        settings.Remove("AzureWebJobsStorage");
        settings.Remove("ServiceBus:connectionString");
        settings["AzureWebJobsStorage:accountName"] = "nightsafestore";
        settings["ServiceBus:fullyQualifiedNamespace"] = "nightsafe-bus.servicebus.windows.net";
        await using var provider = Build(settings);

        Validate(provider);

        Assert.Equal(new Uri("https://nightsafestore.table.core.windows.net/"), provider.GetRequiredService<TableServiceClient>().Uri);
        Assert.Equal(new Uri("https://nightsafestore.queue.core.windows.net/"), provider.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal("nightsafe-bus.servicebus.windows.net", provider.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public async Task A_time_provider_registered_first_is_kept()
    {
        var clock = new FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).AddLogging();
        services.AddNightSafeIntegrations(Configuration(Complete()));
        await using var provider = services.BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging().AddNightSafeIntegrations(Configuration(settings)).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    /// <summary>What the host does at start: every options class registered with ValidateOnStart is validated.</summary>
    private static void Validate(IServiceProvider provider) => provider.GetRequiredService<IStartupValidator>().Validate();
}
