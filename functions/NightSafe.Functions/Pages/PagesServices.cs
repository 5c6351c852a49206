using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NightSafe.Core.Access;
using NightSafe.Core.Board;
using NightSafe.Core.Desk;
using NightSafe.Core.World;

namespace NightSafe.Functions.Pages;

/// <summary>The pages' services: signing, viewers, the board's read model and feed, the desk.</summary>
public static class PagesServices
{
    public static IServiceCollection AddNightSafePages(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddOptions<PagesOptions>()
            .Bind(configuration.GetSection(PagesOptions.Section))
            .Validate(o => o.SigningKey.Length == 0 || o.KeyBytes().Length >= 32, "Pages:SigningKey must be base64 of at least 32 random bytes.")
            .Validate(o => !o.LocalSignIn || environment.IsDevelopment(), "Pages:LocalSignIn is for development only; in Azure, App Service Authentication signs people in.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var key = sp.GetRequiredService<IOptions<PagesOptions>>().Value.KeyBytes();
            if (key.Length >= 32)
            {
                return new PageKey(key);
            }

            // Development without a key: one per process, so sessions and links last until the app restarts.
            return environment.IsDevelopment()
                ? new PageKey(RandomNumberGenerator.GetBytes(32))
                : throw new InvalidOperationException("Pages:SigningKey (app setting Pages__SigningKey) is required outside Development: it signs sessions and case links.");
        });
        services.AddSingleton(sp => new PageSessions(sp.GetRequiredService<PageKey>().Bytes, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new CaseLinks(sp.GetRequiredService<PageKey>().Bytes, sp.GetRequiredService<RoutingWorld>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new NightBoard(sp.GetRequiredService<RoutingWorld>()));
        services.AddSingleton<BoardFeed>();
        services.AddSingleton<AgencyDesk>();
        services.AddSingleton<PageViewers>();
        services.AddSingleton<PageGuard>();
        return services;
    }

    /// <summary>The pages' signing key, held once.</summary>
    private sealed record PageKey(byte[] Bytes);
}
