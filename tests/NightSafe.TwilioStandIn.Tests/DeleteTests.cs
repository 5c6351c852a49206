using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;

namespace NightSafe.TwilioStandIn.Tests;

/// <summary>DELETE of a message, as the hub's erasure calls it through the SDK (MessageResource.DeleteAsync).</summary>
public sealed class DeleteTests : StandInTest
{
    [Fact]
    public async Task A_delivered_message_is_deleted_with_204_and_is_gone_from_fetch_and_list()
    {
        var kept = await SendAsync(Person, "Get home safe");
        var erased = await SendAsync(Person, "Text 999 if you feel unwell");
        await Server.WaitForAsync(m => m.Count == 2 && m.All(x => x.IsSettled), Deadline);

        Assert.True(await MessageResource.DeleteAsync(erased.Sid, client: Client));

        var fetch = await Assert.ThrowsAsync<ApiException>(() => MessageResource.FetchAsync(erased.Sid, client: Client));
        Assert.Equal((404, 20404), (fetch.Status, fetch.Code));
        var listed = (await MessageResource.ReadAsync(new ReadMessageOptions { To = new Twilio.Types.PhoneNumber(Person) }, Client)).Select(m => m.Sid).ToList();
        Assert.Equal([kept.Sid], listed);
        Assert.Equal([kept.Sid], Server.Messages.Select(m => m.Sid));
        Assert.Equal([erased.Sid], Server.DeletedSids);
    }

    [Fact]
    public async Task An_inbound_message_is_held_as_twilio_holds_one_until_it_is_deleted()
    {
        var inbound = Server.ReceiveInbound(Person, "+447700900000", "CLOSE 7KQ2MX taken home");

        var fetched = await MessageResource.FetchAsync(inbound.Sid, client: Client);
        Assert.Equal((inbound.Sid, MessageResource.DirectionEnum.Inbound, MessageResource.StatusEnum.Received, "CLOSE 7KQ2MX taken home"), (fetched.Sid, fetched.Direction, fetched.Status, fetched.Body));
        Assert.True(await MessageResource.DeleteAsync(inbound.Sid, client: Client));

        var again = await Assert.ThrowsAsync<ApiException>(() => MessageResource.FetchAsync(inbound.Sid, client: Client));
        Assert.Equal((404, 20404), (again.Status, again.Code));
        Assert.Equal([inbound.Sid], Server.DeletedSids);
        Assert.Empty(Server.Messages);
    }

    [Fact]
    public async Task Deleting_an_unknown_or_deleted_message_is_a_twilio_404()
    {
        var sent = await SendAsync(Person, "Get home safe");
        await Server.WaitForAsync(m => m.All(x => x.IsSettled), Deadline);
        await MessageResource.DeleteAsync(sent.Sid, client: Client);

        var again = await Assert.ThrowsAsync<ApiException>(() => MessageResource.DeleteAsync(sent.Sid, client: Client));
        var unknown = await Assert.ThrowsAsync<ApiException>(() => MessageResource.DeleteAsync("SM" + new string('0', 32), client: Client));

        Assert.Equal((404, 20404), (again.Status, again.Code));
        Assert.Equal((404, 20404), (unknown.Status, unknown.Code));
    }

    [Fact]
    public async Task Without_the_account_credentials_nothing_is_deleted()
    {
        var sent = await SendAsync(Person, "Get home safe");
        await Server.WaitForAsync(m => m.All(x => x.IsSettled), Deadline);
        using var http = RawClient(authToken: "not-the-token");

        using var response = await http.DeleteAsync($"/2010-04-01/Accounts/{Server.AccountSid}/Messages/{sent.Sid}.json");

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(Server.Messages);
    }
}

/// <summary>A message still on its way cannot be deleted yet (Twilio error 20009), and can be once it is final.</summary>
public sealed class DeleteWhileSendingTests : StandInTest
{
    protected override TwilioStandInOptions Options => base.Options with { StatusStepDelay = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task A_queued_message_is_refused_with_20009_then_deleted_once_delivered()
    {
        var sent = await SendAsync(Person, "Get home safe");

        var early = await Assert.ThrowsAsync<ApiException>(() => MessageResource.DeleteAsync(sent.Sid, client: Client));
        await Server.WaitForAsync(m => m.All(x => x.IsSettled), Deadline);

        Assert.Equal((409, 20009), (early.Status, early.Code));
        Assert.True(await MessageResource.DeleteAsync(sent.Sid, client: Client));
        Assert.Empty(Server.Messages);
    }
}
