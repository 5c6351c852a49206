using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NightSafe.Core;
using NightSafe.Core.DependencyInjection;
using NightSafe.Core.Outcomes;
using NightSafe.Core.World;
using NightSafe.Integrations.DependencyInjection;
using NightSafe.Functions.Pages;

namespace NightSafe.Functions.Hosting;

/// <summary>The application layer: routing.json, the app's own options, the clock, then Core's services (<c>AddNightSafeCore</c>).</summary>
public static class ApplicationServices
{
    public static IServiceCollection AddNightSafeApplication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        services.AddOptions<NightSafeOptions>()
            .Bind(configuration.GetSection(NightSafeOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.PublicBaseUrl is null || o.PublicBaseUrl.IsAbsoluteUri, "NightSafe:PublicBaseUrl must be an absolute URL.")
            .Validate(o => o.ClockStart is null || environment.IsDevelopment(), "NightSafe:ClockStart is for development only; remove it outside the Development environment.")
            .ValidateOnStart();
        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ControlRoomOptions>()
            .Bind(configuration.GetSection(ControlRoomOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => !KeyVaultReferences.IsUnresolved(o.KeySha256), KeyVaultReferences.Failure("ControlRoom:KeySha256"))
            .ValidateOnStart();
        services.AddSingleton<Http.ControlRoomIdentity>();
        services.AddOptions<PartnersOptions>().Bind(configuration.GetSection(PartnersOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PartnersOptions>, PartnersOptionsValidator>();

        services.AddSingleton(sp =>
        {
            var file = sp.GetRequiredService<IOptions<NightSafeOptions>>().Value.RoutingFile;
            return RoutingWorld.Load(Path.IsPathRooted(file) ? file : Path.Combine(AppContext.BaseDirectory, file));
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<NightSafeOptions>>().Value;
            var baseUrl = options.PublicBaseUrl!.AbsoluteUri.EndsWith('/') ? options.PublicBaseUrl : new Uri(options.PublicBaseUrl.AbsoluteUri + "/");
            return new HubSettings(baseUrl, sp.GetRequiredService<IOptions<RetentionOptions>>().Value.Days, sp.GetRequiredService<IOptions<NightSafeOptions>>().Value.AcknowledgeWithin);
        });
        services.AddSingleton(sp => new PartnerKeyRing(
            sp.GetRequiredService<IOptions<PartnersOptions>>().Value.Keys.Select(k => KeyValuePair.Create(k.Agency, k.Sha256.Trim().ToLowerInvariant()))));

        // The development clock replaces the system clock before anything else asks for one.
        var clockStart = configuration.GetValue<DateTime?>($"{NightSafeOptions.Section}:{nameof(NightSafeOptions.ClockStart)}");
        var clockStartsAt = configuration.GetValue<DateTimeOffset?>($"{NightSafeOptions.Section}:{nameof(NightSafeOptions.ClockStartsAt)}");
        if (clockStart is { } start && environment.IsDevelopment())
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(sp =>
            {
                var world = sp.GetRequiredService<RoutingWorld>();
                var instant = world.ToInstant(DateOnly.FromDateTime(start), TimeOnly.FromDateTime(start));
                return new ShiftedTimeProvider(instant - (clockStartsAt ?? TimeProvider.System.GetUtcNow()));
            }));
        }
        else
        {
            services.TryAddSingleton(TimeProvider.System);
        }

        services.AddNightSafeCore();
        services.AddSingleton<Http.TwilioWebhook>();
        services.AddSingleton<Http.PartnerAccess>();
        services.AddNightSafePages(configuration, environment);

        if (configuration.GetValue<bool>($"{NightSafeOptions.Section}:{nameof(NightSafeOptions.SeedRoster)}"))
        {
            services.AddHostedService<RosterSeeder>();
        }

        return services;
    }
}
