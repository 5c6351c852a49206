namespace NightSafe.TwilioStandIn.Tests;

public sealed class ServerTests
{
    [Fact]
    public async Task Credentials_are_generated_in_twilios_shape_when_not_given()
    {
        await using var server = await TwilioStandInServer.StartAsync(new TwilioStandInOptions());

        Assert.Matches("^AC[0-9a-f]{32}$", server.AccountSid);
        Assert.Matches("^[0-9a-f]{32}$", server.AuthToken);
        Assert.Equal("127.0.0.1", server.BaseUrl.Host);
        Assert.NotEqual(0, server.Port);
    }

    [Fact]
    public async Task Given_credentials_are_used()
    {
        var sid = TwilioSid.New("AC");

        await using var server = await TwilioStandInServer.StartAsync(new TwilioStandInOptions { AccountSid = sid, AuthToken = "secret-token" });

        Assert.Equal((sid, "secret-token"), (server.AccountSid, server.AuthToken));
    }

    [Fact]
    public async Task A_taken_port_is_a_clear_error_naming_the_port_and_the_option()
    {
        await using var first = await TwilioStandInServer.StartAsync(new TwilioStandInOptions());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => TwilioStandInServer.StartAsync(new TwilioStandInOptions { Port = first.Port }));

        Assert.Contains(first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains("TwilioStandInOptions.Port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_port_is_free_again_after_dispose()
    {
        // A port below Linux's ephemeral range (32768 and up): a free one from the system could be taken, between the
        // dispose and the restart, by any connection another test in the run opens, which would say nothing of ours.
        var port = Enumerable.Range(0, 200).Select(_ => Random.Shared.Next(20000, 30000)).First(IsFree);
        var server = await TwilioStandInServer.StartAsync(new TwilioStandInOptions { Port = port });
        await server.DisposeAsync();

        await using var again = await TwilioStandInServer.StartAsync(new TwilioStandInOptions { Port = port });

        Assert.Equal(port, again.Port);
    }

    [Fact]
    public async Task WaitFor_gives_up_at_its_deadline()
    {
        await using var server = await TwilioStandInServer.StartAsync(new TwilioStandInOptions());

        await Assert.ThrowsAsync<TimeoutException>(() => server.WaitForAsync(m => m.Count > 0, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Unknown_paths_are_twilio_404s()
    {
        await using var server = await TwilioStandInServer.StartAsync(new TwilioStandInOptions());
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        using var response = await http.GetAsync("/2010-04-01/Accounts.json");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Contains("\"code\":20404", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
