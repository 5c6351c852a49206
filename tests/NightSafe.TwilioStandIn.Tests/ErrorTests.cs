using System.Net;
using System.Text.Json;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;

namespace NightSafe.TwilioStandIn.Tests;

public sealed class ErrorTests : StandInTest
{
    [Theory]
    [InlineData("+447700900997", 21211, 400)]
    [InlineData("+447700900998", 21610, 400)]
    [InlineData("07700 900123", 21211, 400)]
    public async Task Configured_numbers_surface_in_the_sdk_as_twilio_errors(string to, int code, int status)
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => SendAsync(to, "Stay safe"));

        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.Status);
        Assert.Equal($"https://www.twilio.com/docs/errors/{code}", error.MoreInfo);
        Assert.Empty(Server.Messages);
        Assert.Equal(code, Assert.Single(Server.Refusals).Code);
    }

    [Fact]
    public async Task Rate_limited_number_answers_429_twice_then_accepts()
    {
        var refusals = new List<ApiException>();
        MessageResource? accepted = null;
        for (var attempt = 0; attempt < 5 && accepted is null; attempt++)
        {
            try
            {
                accepted = await SendAsync("+447700900999", "Stay safe");
            }
            catch (ApiException ex)
            {
                refusals.Add(ex);
            }
        }

        Assert.NotNull(accepted);
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, ex => Assert.Equal((20429, 429), (ex.Code, ex.Status)));
        Assert.Equal(accepted.Sid, Assert.Single(Server.Messages).Sid);
    }

    [Fact]
    public async Task The_accept_then_fail_number_keeps_and_lists_the_message_but_answers_500()
    {
        const string to = "+447700900995";

        var error = await Assert.ThrowsAsync<ApiException>(() => SendAsync(to, "Stay safe"));

        Assert.Equal(500, error.Status);
        var kept = Assert.Single(Server.Messages);
        Assert.Equal(to, kept.To);
        var listed = await MessageResource.ReadAsync(new ReadMessageOptions { To = new Twilio.Types.PhoneNumber(to) }, Client);
        Assert.Equal(kept.Sid, Assert.Single(listed).Sid);
    }

    [Fact]
    public async Task Numbers_are_configurable()
    {
        await using var server = await TwilioStandInServer.StartAsync(new TwilioStandInOptions
        {
            Numbers = new Dictionary<string, NumberBehaviour> { [Person] = NumberBehaviour.Unsubscribed },
        });
        var (client, _) = StandInRedirect.Client(server);

        var error = await Assert.ThrowsAsync<ApiException>(() => MessageResource.CreateAsync(Sms(Person, "hi"), client));
        var accepted = await MessageResource.CreateAsync(Sms("+447700900997", "hi"), client);

        Assert.Equal(21610, error.Code);
        Assert.Equal("queued", accepted.Status.ToString());
    }

    [Fact]
    public async Task Wrong_auth_token_is_refused_with_20003()
    {
        var (client, _) = StandInRedirect.Client(Server, authToken: "not-the-token");

        var error = await Assert.ThrowsAsync<ApiException>(() => MessageResource.CreateAsync(Sms(Person, "hi"), client));

        Assert.Equal((20003, 401), (error.Code, error.Status));
        Assert.Empty(Server.Messages);
    }

    [Fact]
    public async Task Missing_credentials_get_a_basic_challenge_and_twilio_json()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseUrl };

        using var response = await http.GetAsync(MessagesPath);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(20003, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal(401, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("https://www.twilio.com/docs/errors/20003", json.RootElement.GetProperty("more_info").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Another_accounts_path_is_not_found()
    {
        var (client, _) = StandInRedirect.Client(Server, accountSid: TwilioSid.New("AC"));

        var error = await Assert.ThrowsAsync<ApiException>(() => MessageResource.CreateAsync(Sms(Person, "hi"), client));

        Assert.Equal((20404, 404), (error.Code, error.Status));
    }

    [Fact]
    public async Task Body_over_1600_characters_is_21617()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => SendAsync(Person, new string('a', 1601)));

        Assert.Equal(21617, error.Code);
    }
}
