using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Functions.Http;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Outcomes;
using NightSafe.Functions.Routing;
using NightSafe.Functions.Tests.Doubles;
using NightSafe.Integrations.Storage;

namespace NightSafe.Functions.Tests.Hardening;

/// <summary>
/// A partner's report that meets another writer at every attempt (heavy load: routing, the officer, other partners and
/// delivery reports all on one referral) is answered 503 with Retry-After, nothing recorded; sent again, it is recorded.
/// </summary>
[Collection(LocalHubGroup.Name)]
public sealed class ContentionTests(LocalHub stack)
{
    private const string Agency = "street-pastors-chelmsford";

    [Fact]
    public async Task A_report_whose_every_attempt_conflicts_gets_503_with_retry_after_and_records_nothing()
    {
        var (night, reference) = await RoutedReferralAsync();
        var contended = new ContendedStore();
        using var host = stack.Build(stack.Settings(), first: services =>
        {
            services.AddSingleton<TableReferralStore>();
            services.AddSingleton<IReferralStore>(sp => contended.Over(sp.GetRequiredService<TableReferralStore>()));
        });
        var api = ActivatorUtilities.CreateInstance<PartnerApi>(host.Services);

        contended.Always = true;
        var busy = (TestHttpResponseData)await api.ReportAsync(Report(night, reference), Agency, night, reference, new TestFunctionContext(host.Services));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal(Contention.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(busy.Headers.GetValues("Retry-After")));
        using var problem = JsonDocument.Parse(busy.Text());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("nothing was changed", problem.RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(OptimisticConcurrency.MaxAttempts, contended.Refused);
        Assert.Equal(nameof(CaseStatus.Sent), CaseStatusOf(night, reference));

        // The same report a moment later, the other writers gone: recorded.
        contended.Always = false;
        var (again, _) = await api.ReportAsync(Report(night, reference), Agency, night, reference, new TestFunctionContext(host.Services)).ReadAsync();
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(nameof(CaseStatus.Accepted), CaseStatusOf(night, reference));
    }

    [Fact]
    public async Task An_erasure_whose_every_attempt_conflicts_gets_503_with_retry_after_and_erases_nothing()
    {
        var (night, reference) = await RoutedReferralAsync();
        var contended = new ContendedStore { Always = true };
        using var host = stack.Build(stack.Settings(), first: services =>
        {
            services.AddSingleton<TableReferralStore>();
            services.AddSingleton<IReferralStore>(sp => contended.Over(sp.GetRequiredService<TableReferralStore>()));
        });
        var request = new TestHttpRequestData(stack.Context(), "POST", new Uri($"http://127.0.0.1:7071/api/control/referrals/{night}/{reference}/erasure"));
        request.Headers.Add(ControlRoomIdentity.KeyHeader, stack.ControlRoomKey);

        var busy = (TestHttpResponseData)await ActivatorUtilities.CreateInstance<NightSafe.Functions.Control.ErasureApi>(host.Services).EraseAsync(request, night, reference, new TestFunctionContext(host.Services));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Single(busy.Headers.GetValues("Retry-After"));
        Assert.Equal(OptimisticConcurrency.MaxAttempts, contended.Refused);
        Assert.Null(stack.Referrals().Single(r => r.PartitionKey == night && r.RowKey == "R|" + reference).GetDateTimeOffset("ErasedAt"));
    }

    private async Task<(string Night, string Reference)> RoutedReferralAsync()
    {
        var submit = new TestHttpRequestData(stack.Context(), "POST", new Uri("http://127.0.0.1:7071/api/referrals"), """{"town":"chelmsford","categories":["alone"],"location":"High St"}""", "application/json");
        var (_, accepted) = await stack.Function<ReferralsApi>().SubmitAsync(submit, stack.Context()).ReadAsync();
        var created = JsonDocument.Parse(accepted).RootElement;
        var night = created.GetProperty("night").GetString()!;
        var reference = created.GetProperty("reference").GetString()!;
        await stack.Function<RouteReferral>().RunAsync($$"""{"night":"{{night}}","reference":"{{reference}}"}""", 1, stack.Context());
        Assert.NotNull(CaseStatusOf(night, reference));
        return (night, reference);
    }

    private string? CaseStatusOf(string night, string reference) =>
        stack.Table("Referrals").Query<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == night && e.RowKey == $"C|{reference}|{Agency}").SingleOrDefault()?.GetString("Status");

    private TestHttpRequestData Report(string night, string reference)
    {
        var request = new TestHttpRequestData(stack.Context(), "POST", new Uri($"http://127.0.0.1:7071/api/partners/{Agency}/cases/{night}/{reference}/outcome"), """{"outcome":"accepted","note":"on our way"}""", "application/json");
        request.Headers.Add(PartnerApi.KeyHeader, stack.PartnerKeys[Agency]);
        return request;
    }

    /// <summary>While <see cref="Always"/>, every save finds that another writer got there first.</summary>
    private sealed class ContendedStore
    {
        private int _refused;

        public bool Always { get; set; }

        public int Refused => Volatile.Read(ref _refused);

        public IReferralStore Over(IReferralStore inner) => new Store(inner, this);

        private sealed class Store(IReferralStore inner, ContendedStore contention) : ForwardingReferralStore(inner)
        {
            public override Task<string?> SaveAsync(ReferralChange change, CancellationToken cancellationToken)
            {
                if (contention.Always)
                {
                    Interlocked.Increment(ref contention._refused);
                    throw new ConcurrencyConflictException("Another writer changed the referral first.");
                }

                return base.SaveAsync(change, cancellationToken);
            }

            public override Task EraseAsync(NightId night, ReferenceCode reference, DateTimeOffset erasedAt, ReferralEvent erasure, CancellationToken cancellationToken)
            {
                if (contention.Always)
                {
                    Interlocked.Increment(ref contention._refused);
                    throw new ConcurrencyConflictException("Another writer changed the referral while it was being erased.");
                }

                return base.EraseAsync(night, reference, erasedAt, erasure, cancellationToken);
            }
        }
    }
}
