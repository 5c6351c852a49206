using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Advice;
using NightSafe.Core.Intake;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Services;

/// <summary>The sweep settles advice whose delivery report never came, from what Twilio says, and leaves the rest alone.</summary>
public sealed class LostDeliveryReportsTests
{
    private readonly Hub _hub = new();

    private ReceivedSweep Sweep => _hub.Services.GetRequiredService<ReceivedSweep>();

    [Fact]
    public async Task Advice_still_sent_after_the_grace_takes_Twilio_s_final_status_and_one_still_on_its_way_waits()
    {
        var delivered = await _hub.ReferAndRouteAsync();
        var sid = _hub.Store.Referrals.Single().AdviceMessageId!;
        Assert.Equal(AdviceState.Sent, _hub.Store.Referrals.Single().Advice);

        // Twilio still says sent: nothing is recorded, and it is asked again next time.
        _hub.SmsRecords.Statuses[sid] = new SmsProviderStatus("sent", null);
        _hub.Time.Advance(LostDeliveryReports.Grace);
        await Sweep.RunAsync(CancellationToken.None);
        Assert.Equal(AdviceState.Sent, _hub.Store.Referrals.Single().Advice);

        _hub.SmsRecords.Statuses[sid] = new SmsProviderStatus("delivered", null);
        await Sweep.RunAsync(CancellationToken.None);
        await Sweep.RunAsync(CancellationToken.None);

        Assert.Equal(AdviceState.Delivered, _hub.Store.Referrals.Single().Advice);
        var reports = _hub.Store.Events(delivered).Where(e => e.Kind == ReferralEventKinds.SmsStatus).ToList();
        Assert.Equal("delivered", Assert.Single(reports).Data[ReferralEventData.Status]);
    }

    [Fact]
    public async Task Advice_within_the_grace_is_not_looked_up()
    {
        await _hub.ReferAndRouteAsync();
        var sid = _hub.Store.Referrals.Single().AdviceMessageId!;
        _hub.SmsRecords.Statuses[sid] = new SmsProviderStatus("undelivered", "30003");

        await Sweep.RunAsync(CancellationToken.None);

        Assert.Equal(AdviceState.Sent, _hub.Store.Referrals.Single().Advice);
        _hub.Time.Advance(LostDeliveryReports.Grace);
        await Sweep.RunAsync(CancellationToken.None);
        Assert.Equal(AdviceState.Failed, _hub.Store.Referrals.Single().Advice);
        Assert.Equal("30003", _hub.Store.Referrals.Single().AdviceError);
    }

    [Fact]
    public async Task Twilio_is_no_longer_asked_about_an_advice_sent_more_than_twelve_hours_ago()
    {
        await _hub.ReferAndRouteAsync();
        _hub.SmsRecords.Statuses[_hub.Store.Referrals.Single().AdviceMessageId!] = new SmsProviderStatus("sent", null);

        _hub.Time.Advance(LostDeliveryReports.AskFor - TimeSpan.FromMinutes(1));
        await Sweep.RunAsync(CancellationToken.None);
        Assert.Equal(1, _hub.SmsRecords.StatusLookups);

        _hub.Time.Advance(TimeSpan.FromMinutes(2));
        await Sweep.RunAsync(CancellationToken.None);
        Assert.Equal(1, _hub.SmsRecords.StatusLookups);
        Assert.Equal(AdviceState.Sent, _hub.Store.Referrals.Single().Advice);
    }
}
