using NightSafe.Core.Ports;

namespace NightSafe.Core.Tests.Domain.Routing;

/// <summary>The routing queue's one codec: what intake writes is what the routing triggers read.</summary>
public sealed class RoutingWorkItemTests
{
    [Fact]
    public void A_work_item_round_trips_as_night_reference_and_traceparent()
    {
        var item = new RoutingWorkItem("2026-12-18", "7KQ2MX", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var json = item.ToJson();

        Assert.Equal("""{"night":"2026-12-18","reference":"7KQ2MX","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}""", json);
        Assert.Equal(item, RoutingWorkItem.FromJson(json));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void A_message_that_is_not_a_work_item_reads_as_null(string? message) => Assert.Null(RoutingWorkItem.FromJson(message));

    [Fact]
    public void Every_queue_is_named_once_and_its_poison_queue_follows_the_hosts_rule()
    {
        Assert.Equal(["referrals-inbound", "referrals-routing", "summaries-requests", "partner-loop", "sms-outbound"], QueueNames.All);
        Assert.Equal("partner-loop-poison", QueueNames.PartnerLoopPoison);
        Assert.Equal("sms-outbound-poison", QueueNames.OutboundSmsPoison);
        Assert.Equal("referrals-routing-poison", QueueNames.RoutingPoison);
    }
}
