using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;

namespace NightSafe.TwilioStandIn.Tests;

public sealed class MessagesTests : StandInTest
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 18, 22, 30, 5, TimeSpan.Zero));

    protected override TwilioStandInOptions Options => base.Options with { TimeProvider = _clock };

    [Fact]
    public async Task Create_through_the_sdk_returns_a_queued_twilio_message()
    {
        var message = await SendAsync(Person, "Text 999 if you feel unwell. Stay with friends.");

        Assert.Matches("^SM[0-9a-f]{32}$", message.Sid);
        Assert.Equal("queued", message.Status.ToString());
        Assert.Equal(Server.AccountSid, message.AccountSid);
        Assert.Equal(Person, message.To);
        Assert.Equal(Sender, message.From.ToString());
        Assert.Equal("Text 999 if you feel unwell. Stay with friends.", message.Body);
        Assert.Equal("1", message.NumSegments);
        Assert.Equal("0", message.NumMedia);
        Assert.Equal("outbound-api", message.Direction.ToString());
        Assert.Equal("2010-04-01", message.ApiVersion);
        Assert.Equal(new DateTime(2026, 12, 18, 22, 30, 5, DateTimeKind.Utc), message.DateCreated!.Value.ToUniversalTime());
        Assert.Null(message.Price);
        Assert.Null(message.PriceUnit);
        Assert.Null(message.ErrorCode);
        Assert.Equal($"/2010-04-01/Accounts/{Server.AccountSid}/Messages/{message.Sid}.json", message.Uri);
        var recorded = Assert.Single(Server.Messages);
        Assert.Equal((message.Sid, Person, Sender, 1), (recorded.Sid, recorded.To, recorded.From, recorded.NumSegments));
    }

    [Fact]
    public async Task Create_writes_twilio_json_with_rfc2822_dates_and_string_counts()
    {
        using var http = RawClient();
        using var form = new FormUrlEncodedContent([new("To", Person), new("From", Sender), new("Body", "Get home safe")]);

        using var response = await http.PostAsync(MessagesPath, form);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var root = json.RootElement;
        Assert.Equal("Fri, 18 Dec 2026 22:30:05 +0000", root.GetProperty("date_created").GetString());
        Assert.Equal("Fri, 18 Dec 2026 22:30:05 +0000", root.GetProperty("date_updated").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("date_sent").ValueKind);
        Assert.Equal("1", root.GetProperty("num_segments").GetString());
        Assert.Equal("0", root.GetProperty("num_media").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("price").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("price_unit").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("messaging_service_sid").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error_code").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error_message").ValueKind);
        Assert.Equal("queued", root.GetProperty("status").GetString());
        Assert.Equal(Person, root.GetProperty("to").GetString());
    }

    [Fact]
    public async Task Fetch_returns_the_message_and_its_progress_to_delivered()
    {
        var created = await SendAsync(Person, "Your taxi home: call 01234 567890");
        await Server.WaitForAsync(m => m.Any(x => x.Sid == created.Sid && x.IsSettled), Deadline);

        var fetched = await MessageResource.FetchAsync(created.Sid, client: Client);

        Assert.Equal(created.Sid, fetched.Sid);
        Assert.Equal("delivered", fetched.Status.ToString());
        Assert.Equal(created.Body, fetched.Body);
        Assert.Equal(new DateTime(2026, 12, 18, 22, 30, 5, DateTimeKind.Utc), fetched.DateSent!.Value.ToUniversalTime());
    }

    [Fact]
    public async Task Fetch_of_an_unknown_sid_is_a_twilio_404()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => MessageResource.FetchAsync("SM" + new string('0', 32), client: Client));

        Assert.Equal(20404, error.Code);
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task Create_through_a_messaging_service_gets_a_sender_when_sent()
    {
        var service = TwilioSid.New("MG");
        var created = await MessageResource.CreateAsync(
            new CreateMessageOptions(new Twilio.Types.PhoneNumber(Person)) { MessagingServiceSid = service, Body = "Stay safe" }, Client);
        await Server.WaitForAsync(m => m.Single().IsSettled, Deadline);

        var fetched = await MessageResource.FetchAsync(created.Sid, client: Client);

        Assert.Equal(service, created.MessagingServiceSid);
        Assert.Null(created.From?.ToString());
        Assert.Equal("+447700900000", fetched.From.ToString());
    }

    [Fact]
    public async Task List_pages_through_every_message_newest_first()
    {
        var sids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sids.Add((await SendAsync(Person, $"Advice {i}")).Sid);
        }

        var listed = (await MessageResource.ReadAsync(new ReadMessageOptions { PageSize = 2 }, Client)).Select(m => m.Sid).ToList();

        Assert.Equal(Enumerable.Reverse(sids), listed);
        Assert.Equal(3, Redirect.Requests.Count(u => u.AbsolutePath.EndsWith("/Messages.json", StringComparison.Ordinal) && u.Query.Length > 0));
    }

    [Fact]
    public async Task List_filters_by_to_and_from()
    {
        await SendAsync(Person, "one");
        await SendAsync("+447700900124", "two");
        await SendAsync(Person, "three");

        var toPerson = await MessageResource.ReadAsync(new ReadMessageOptions { To = new Twilio.Types.PhoneNumber(Person) }, Client);
        var fromOther = await MessageResource.ReadAsync(new ReadMessageOptions { From = new Twilio.Types.PhoneNumber("+447700900555") }, Client);

        Assert.Equal(["three", "one"], toPerson.Select(m => m.Body));
        Assert.Empty(fromOther);
    }

    [Fact]
    public async Task List_filters_by_date_sent_by_day()
    {
        await SendAsync(Person, "tonight");
        await Server.WaitForAsync(m => m.Single().IsSettled, Deadline);

        async Task<int> CountAsync(ReadMessageOptions options) => (await MessageResource.ReadAsync(options, Client)).Count();

        Assert.Equal(1, await CountAsync(new ReadMessageOptions { DateSent = new DateTime(2026, 12, 18) }));
        Assert.Equal(0, await CountAsync(new ReadMessageOptions { DateSent = new DateTime(2026, 12, 17) }));
        Assert.Equal(1, await CountAsync(new ReadMessageOptions { DateSentBefore = new DateTime(2026, 12, 18) }));
        Assert.Equal(0, await CountAsync(new ReadMessageOptions { DateSentBefore = new DateTime(2026, 12, 17) }));
        Assert.Equal(1, await CountAsync(new ReadMessageOptions { DateSentAfter = new DateTime(2026, 12, 18) }));
        Assert.Equal(0, await CountAsync(new ReadMessageOptions { DateSentAfter = new DateTime(2026, 12, 19) }));
    }

    [Fact]
    public async Task List_json_carries_twilio_paging_links()
    {
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(Person, $"Advice {i}");
        }

        using var http = RawClient();
        using var first = JsonDocument.Parse(await http.GetStringAsync($"{MessagesPath}?To=%2B447700900123&PageSize=2"));
        var next = first.RootElement.GetProperty("next_page_uri").GetString()!;
        using var last = JsonDocument.Parse(await http.GetStringAsync(next));

        Assert.Equal(2, first.RootElement.GetProperty("messages").GetArrayLength());
        Assert.Equal((0, 1, 0, 2), (first.RootElement.GetProperty("start").GetInt32(), first.RootElement.GetProperty("end").GetInt32(),
            first.RootElement.GetProperty("page").GetInt32(), first.RootElement.GetProperty("page_size").GetInt32()));
        Assert.Equal(JsonValueKind.Null, first.RootElement.GetProperty("previous_page_uri").ValueKind);
        Assert.StartsWith($"{MessagesPath}?To=%2B447700900123&PageSize=2&Page=1&PageToken=PASM", next, StringComparison.Ordinal);
        Assert.Equal(1, last.RootElement.GetProperty("messages").GetArrayLength());
        Assert.Equal(1, last.RootElement.GetProperty("page").GetInt32());
        Assert.Equal(JsonValueKind.Null, last.RootElement.GetProperty("next_page_uri").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, last.RootElement.GetProperty("previous_page_uri").ValueKind);
    }

    [Fact]
    public async Task Create_without_a_body_is_twilio_error_21602()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => SendAsync(Person, string.Empty));

        Assert.Equal((21602, 400), (error.Code, error.Status));
        Assert.Empty(Server.Messages);
    }
}
