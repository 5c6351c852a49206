using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;
using NightSafe.Integrations.DependencyInjection;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>The storage adapters as the app wires them (AddNightSafeStorage), on the shared Azurite, with a fake clock.</summary>
public sealed class StorageTestBed : IDisposable
{
    private static int s_nights;

    private readonly ServiceProvider _provider;

    public StorageTestBed(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        ConnectionString = azurite.ConnectionString;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["PhoneKeys:Pepper"] = Pepper })
            .Build();
        _provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(Clock)
            .AddNightSafeStorage(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The phone key pepper of every bed: rows written by one test bed are found by the next.</summary>
    public static string Pepper { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public string ConnectionString { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 18, 22, 0, 0, TimeSpan.Zero));

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public TableClient Table(string name) => _provider.GetRequiredService<TableServiceClient>().GetTableClient(name);

    public QueueServiceClient Queues => _provider.GetRequiredService<QueueServiceClient>();

    /// <summary>
    /// A night no other test uses: each test gets its own partitions of the shared tables, ten nights apart so that a
    /// test may also use the few nights after its own.
    /// </summary>
    public static NightId UniqueNight() => new(new DateOnly(2030, 1, 1).AddDays(10 * Interlocked.Increment(ref s_nights)));

    public static Referral Referral(NightId night, ReferenceCode? reference = null, string town = "chelmsford") => new()
    {
        Night = night,
        Reference = reference ?? ReferenceCode.New(),
        ReceivedAt = new DateTimeOffset(2026, 12, 18, 23, 15, 42, TimeSpan.Zero).AddTicks(1234567),
        Source = ReferralSource.Sms,
        TownId = TownId.From(town),
        Categories = [new CategoryId("spiking"), new CategoryId("alone")],
        Priority = Priority.High,
        Location = "outside the Golden Fleece, Duke Street",
        Description = "woman about 20, red coat, says her drink tasted odd",
        SubjectPhone = "+447700900123",
        Consent = Consent.Given,
        Officer = "PC 4471",
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    };

    public static ReferralEvent Event(DateTimeOffset at, string kind, params (string Key, string? Value)[] data) =>
        ReferralEvent.Of(at, kind, "test", data);

    public void Dispose() => _provider.Dispose();
}
