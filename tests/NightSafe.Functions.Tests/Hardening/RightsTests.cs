using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NightSafe.Functions.Hosting;
using NightSafe.Functions.Http;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Summaries;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests.Hardening;

[Collection(LocalHubGroup.Name)]
public sealed class RightsTests(LocalHub stack)
{
    private TestHttpRequestData Request(string method, string path, string? body = null) =>
        new(stack.Context(), method, new Uri("http://127.0.0.1:7071/api/" + path), body, body is null ? null : "application/json");

    private async Task<(string Night, string Reference)> SubmitAsync()
    {
        var (_, accepted) = await stack.Function<ReferralsApi>().SubmitAsync(Request("POST", "referrals", """{"town":"chelmsford","categories":["alone"],"location":"High St"}"""), stack.Context()).ReadAsync();
        var created = JsonDocument.Parse(accepted).RootElement;
        return (created.GetProperty("night").GetString()!, created.GetProperty("reference").GetString()!);
    }

    [Fact]
    public async Task A_submitting_system_cannot_read_a_dossier_or_a_summary_and_cannot_name_itself_the_reader()
    {
        var (night, reference) = await SubmitAsync();
        var read = Request("GET", $"referrals/{night}/{reference}");
        read.Headers.Add("X-Consulted-By", "Inspector Morse");
        var summary = Request("GET", $"nights/{night}/summary");

        var (status, _) = await stack.Function<ReferralsApi>().ReadAsync(read, night, reference, stack.Context()).ReadAsync();
        var (summaryStatus, _) = await stack.Function<SummaryFunctions>().ReadAsync(summary, night, stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.Unauthorized, summaryStatus);
        Assert.DoesNotContain(stack.Events(night, reference), e => e.GetString("Kind") == "consulted");
    }

    [Fact]
    public async Task The_control_room_key_reads_the_dossier_and_the_consultation_names_the_control_room_not_a_header()
    {
        var (night, reference) = await SubmitAsync();
        var read = Request("GET", $"referrals/{night}/{reference}");
        read.Headers.Add(ControlRoomIdentity.KeyHeader, stack.ControlRoomKey);
        read.Headers.Add("X-Consulted-By", "Inspector Morse");
        var wrong = Request("GET", $"referrals/{night}/{reference}");
        wrong.Headers.Add(ControlRoomIdentity.KeyHeader, stack.ControlRoomKey + "x");

        var (status, _) = await stack.Function<ReferralsApi>().ReadAsync(read, night, reference, stack.Context()).ReadAsync();
        var (wrongStatus, _) = await stack.Function<ReferralsApi>().ReadAsync(wrong, night, reference, stack.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        var consulted = Assert.Single(stack.Events(night, reference), e => e.GetString("Kind") == "consulted");
        Assert.Equal("control-room:control-room key", consulted.GetString("Actor"));
    }

    [Fact]
    public void Platform_principal_headers_count_only_where_app_service_authentication_is_on()
    {
        var request = Request("GET", "referrals/x/y");
        request.Headers.Add(ControlRoomIdentity.PrincipalIdHeader, "5d0c2e1a-0000-4000-8000-000000000001");
        request.Headers.Add(ControlRoomIdentity.PrincipalNameHeader, "j.smith@essex.police.uk");

        var off = new ControlRoomIdentity(Options.Create(new ControlRoomOptions())).Resolve(request);
        var on = new ControlRoomIdentity(Options.Create(new ControlRoomOptions { PlatformAuthentication = true })).Resolve(request);

        Assert.Null(off);
        Assert.Equal("control-room:j.smith@essex.police.uk", on?.Actor);
    }
}
