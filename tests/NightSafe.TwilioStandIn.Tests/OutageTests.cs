using Twilio.Clients;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;

namespace NightSafe.TwilioStandIn.Tests;

/// <summary>Pause and Resume: an API that answers nothing for a while, and acts only for clients still waiting.</summary>
public sealed class OutageTests : StandInTest
{
    [Fact]
    public async Task A_paused_stand_in_answers_nothing_acts_for_no_client_that_gave_up_and_serves_late_those_still_waiting()
    {
        using var impatientHttp = new System.Net.Http.HttpClient(new StandInRedirect(Server.BaseUrl)) { Timeout = TimeSpan.FromMilliseconds(500) };
        var impatient = new TwilioRestClient(Server.AccountSid, Server.AuthToken, httpClient: new SystemNetHttpClient(impatientHttp));

        Server.Pause();
        Assert.True(Server.IsPaused);

        // Gives up after half a second: the stand-in never acts on it, as a request that never reached Twilio.
        await Assert.ThrowsAnyAsync<Exception>(() => MessageResource.CreateAsync(Sms(Person, "given up"), impatient));
        await Eventually.TrueAsync(() => Server.DroppedDuringOutages == 1, Deadline, "the abandoned request to be dropped");

        // Still waiting when the outage ends: served then.
        var patient = SendAsync(Person, "still waiting");
        var listing = MessageResource.ReadAsync(new ReadMessageOptions(), Client);
        var raced = await Task.WhenAny(patient, listing, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(raced == patient || raced == listing, "a paused stand-in answered a request");
        Assert.Empty(Server.Messages);

        Server.Resume();

        Assert.False(Server.IsPaused);
        var sent = await patient.WaitAsync(Deadline);
        await listing.WaitAsync(Deadline);
        var only = Assert.Single(Server.Messages);
        Assert.Equal(sent.Sid, only.Sid);
        Assert.Equal("still waiting", only.Body);
        await SendAsync(Person, "after");
        Assert.Equal(2, Server.Messages.Count);
        Assert.Equal(1, Server.DroppedDuringOutages);
    }

    [Fact]
    public async Task PauseFor_resumes_after_the_outage_and_pausing_twice_does_nothing()
    {
        var outage = Server.PauseForAsync(TimeSpan.FromMilliseconds(300));
        Server.Pause();
        Assert.True(Server.IsPaused);
        var sending = SendAsync(Person, "queued behind the outage");

        await outage;

        Assert.False(Server.IsPaused);
        await sending.WaitAsync(Deadline);
        Assert.Single(Server.Messages);
    }
}

/// <summary>StopListening and ListenAgain: Twilio off the network (connections refused), then back on the same port.</summary>
public sealed class RefusedConnectionTests : StandInTest
{
    [Fact]
    public async Task A_stand_in_off_the_network_refuses_connections_and_listens_again_on_its_port_with_its_messages()
    {
        var before = await SendAsync(Person, "before");

        await Server.StopListeningAsync();

        Assert.True(Server.IsRefusingConnections);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => SendAsync(Person, "refused"));
        Assert.Contains(Chain(refused), e => e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused });
        Assert.Single(Server.Messages);

        await Server.ListenAgainAsync();

        Assert.False(Server.IsRefusingConnections);
        var after = await SendAsync(Person, "after");
        Assert.Equal([before.Sid, after.Sid], Server.Messages.Select(m => m.Sid));
        var fetched = await MessageResource.FetchAsync(before.Sid, client: Client);
        Assert.Equal("before", fetched.Body);
    }

    [Fact]
    public async Task RefuseConnectionsFor_listens_again_after_the_outage()
    {
        var outage = Server.RefuseConnectionsForAsync(TimeSpan.FromMilliseconds(300));
        await Eventually.TrueAsync(() => Server.IsRefusingConnections, Deadline, "the stand-in to stop listening");

        await outage;

        Assert.False(Server.IsRefusingConnections);
        await SendAsync(Person, "back");
        Assert.Single(Server.Messages);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
