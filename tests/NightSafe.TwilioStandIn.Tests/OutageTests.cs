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
