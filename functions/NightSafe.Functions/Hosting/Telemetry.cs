using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace NightSafe.Functions.Hosting;

/// <summary>OpenTelemetry to Application Insights, on only when a connection string is configured.</summary>
public static class Telemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddNightSafeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(Http.Trace.SourceName, "Azure.*"))
            .UseFunctionsWorkerDefaults()
            .UseAzureMonitorExporter(options => options.ConnectionString = configuration[ConnectionStringSetting]);
        return services;
    }
}
