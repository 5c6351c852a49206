using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>What every test of the referral store on the shared Azurite starts from: its own test bed, a one-minute deadline, the store.</summary>
public abstract class ReferralStoreTests(AzuriteFixture azurite) : IDisposable
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 18, 23, 0, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    protected StorageTestBed Bed { get; } = new(azurite);

    protected CancellationToken Ct => _timeout.Token;

    protected IReferralStore Store => Bed.Get<IReferralStore>();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timeout.Dispose();
            Bed.Dispose();
        }
    }
}
