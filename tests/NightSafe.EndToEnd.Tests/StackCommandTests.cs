using System.Diagnostics;
using NightSafe.Cli.Commands;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;
using NightSafe.Core.Intake;

namespace NightSafe.EndToEnd.Tests;

/// <summary>`keys`, `status`, `summary` and `down` against one running stack, through its state file.</summary>
public sealed class StackCommandTests(HubFixture fixture, ITestOutputHelper output) : IClassFixture<HubFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nightsafe-commands-").FullName;

    private OfflineHub Hub => fixture.Hub;

    private string StatePath => Path.Combine(_folder, "stack.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Keys_prints_every_key_and_connection_string_of_the_running_stack()
    {
        await StackStateFile.WriteAsync(StatePath, Hub.State(Environment.ProcessId), CancellationToken.None);

        var (code, keys, _) = await InProcessCli.RunAsync("keys", "--state", StatePath);

        Assert.Equal(0, code);
        Assert.Contains(Hub.Functions.FunctionKey, keys, StringComparison.Ordinal);
        Assert.Contains(Hub.Functions.MasterKey, keys, StringComparison.Ordinal);
        Assert.Contains(Hub.ControlRoomKey, keys, StringComparison.Ordinal);
        Assert.Contains(Hub.ServiceBus.ConnectionString, keys, StringComparison.Ordinal);
        Assert.Contains(Hub.Azurite.ConnectionString, keys, StringComparison.Ordinal);
        Assert.All(Hub.PartnerKeys, p => Assert.Contains($"{p.Key}", keys, StringComparison.Ordinal));
        Assert.All(Hub.PartnerKeys.Values, key => Assert.Contains(key, keys, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_prints_a_texted_referral_with_its_cases_and_trail_and_an_unknown_one_is_one_line()
    {
        await StackStateFile.WriteAsync(StatePath, Hub.State(Environment.ProcessId), CancellationToken.None);
        var phone = new OfficerPhone(fixture.Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber);
        try
        {
            var reply = await Eventually.ValueAsync(
                async () => await phone.TextAsync("+447700900001", "Colchester spiked near the castle, female 20s, consent n", CancellationToken.None) is { Reference: not null } r && r.Message != OfficerReplies.Neutral ? r : null,
                TimeSpan.FromSeconds(30),
                "an officer's acknowledgement");
            var reference = reply.Reference!.ToString()!;

            var printed = await Eventually.ValueAsync(
                async () => await InProcessCli.RunAsync("status", reference.ToLowerInvariant(), "--state", StatePath) is (0, var text, _) && text.Contains("disclosed", StringComparison.Ordinal) && text.Contains("street-pastors-colchester", StringComparison.Ordinal) ? text : null,
                TimeSpan.FromSeconds(30),
                "the referral routed, as status prints it");
            var (unknown, _, error) = await InProcessCli.RunAsync("status", "ZZZZZZ", "--state", StatePath);

            Assert.StartsWith($"{Hub.Night}/{reference}  ", printed, StringComparison.Ordinal);
            Assert.Contains("street-pastors-colchester", printed, StringComparison.Ordinal);
            Assert.Contains("consulted", printed, StringComparison.Ordinal);
            Assert.Equal(1, unknown);
            Assert.Equal($"No referral ZZZZZZ on night {Hub.Night}.", error.Trim());
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
    }

    [Fact]
    public async Task Summary_runs_the_nights_summary_now_and_prints_it()
    {
        await StackStateFile.WriteAsync(StatePath, Hub.State(Environment.ProcessId), CancellationToken.None);
        try
        {
            var (code, summary, error) = await InProcessCli.RunAsync("summary", "--state", StatePath);

            Assert.True(code == 0, error);
            Assert.Contains("NightSafe", summary, StringComparison.Ordinal);
            Assert.Contains(Hub.Night.ToString(), summary, StringComparison.Ordinal);
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
    }

    [Fact]
    public async Task Down_stops_the_process_the_state_file_names_and_says_so()
    {
        // The stack's own process is this test host: `down` is pointed at a stand-in process that SIGTERM ends, as it ends `up`.
        using var standIn = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        try
        {
            await StackStateFile.WriteAsync(StatePath, Hub.State(standIn.Id), CancellationToken.None);

            var (code, said, _) = await InProcessCli.RunAsync("down", "--state", StatePath);
            var (again, _, error) = await InProcessCli.RunAsync("down", "--state", StatePath);

            Assert.Equal(0, code);
            Assert.True(standIn.HasExited, "down returned while the process still ran");
            Assert.Equal($"Stopped the NightSafe stack (pid {standIn.Id}).", said.Trim());
            Assert.Equal(NightSafeCommandLine.Refused, again);
            Assert.Contains("no longer running", error, StringComparison.Ordinal);
        }
        finally
        {
            if (!standIn.HasExited)
            {
                standIn.Kill();
            }
        }
    }
}
