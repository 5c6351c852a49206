using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PartnerConsumer;

/// <summary>The consumer's composition: options, the Service Bus client (Entra ID, or the emulator), the contract, the API.</summary>
public static class ConsumerApp
{
    public static IHost Build(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(args);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Services.AddOptions<ConsumerOptions>()
            .Bind(builder.Configuration.GetSection(ConsumerOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => !string.IsNullOrWhiteSpace(o.ServiceBusNamespace) || !string.IsNullOrWhiteSpace(o.ServiceBusConnectionString), "Set Partner:ServiceBusNamespace (Entra ID) or, for the emulator, Partner:ServiceBusConnectionString.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ConsumerOptions>>().Value;
            return string.IsNullOrWhiteSpace(o.ServiceBusConnectionString)
                ? new ServiceBusClient(o.ServiceBusNamespace, new DefaultAzureCredential())
                : new ServiceBusClient(o.ServiceBusConnectionString);
        });
        builder.Services.AddSingleton(sp => new CaseContract(sp.GetRequiredService<IOptions<ConsumerOptions>>().Value.SchemaFolder));
        builder.Services.AddHttpClient<HubOutcomes>(http => http.Timeout = TimeSpan.FromSeconds(15));
        builder.Services.AddHostedService<CaseConsumer>();
        return builder.Build();
    }
}
