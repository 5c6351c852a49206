using System.Net;
using System.Net.Sockets;
using NightSafe.Cli.Partners;
using NightSafe.Cli.Stack;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Outcomes;
using NightSafe.Core.World;
using NightSafe.LocalStack;

namespace NightSafe.EndToEnd.Tests;

/// <summary>The parts of `nightsafe up` that need no running stack: ports, settings, the state file, the shares check.</summary>
public sealed class StackTests
{
    private static readonly RoutingWorld World = RoutingWorld.Load(RepositoryLayout.RoutingJson());

    [Fact]
    public async Task A_taken_port_is_refused_before_anything_starts_naming_the_port_and_the_part()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var refused = await Assert.ThrowsAsync<PortTakenException>(() => OfflineHub.StartAsync(new OfflineHubOptions { Ports = StackPorts.AnyFree with { Functions = port } }));

        Assert.Equal(StackPart.Functions, refused.Part);
        Assert.Equal(port, refused.Port);
        Assert.Equal("--functions-port", NightSafe.Cli.Commands.UpCommand.OptionFor(refused.Part));
    }

    [Fact]
    public void App_settings_use_double_underscores_and_hold_only_hashes_of_partner_keys()
    {
        var parts = new LocalParts("UseDevelopmentStorage=true", "Endpoint=sb://127.0.0.1:5672;", new Uri("http://127.0.0.1:7080/"), "AC" + new string('0', 32), "token", "+447700900000", new Uri("http://127.0.0.1:7071/"));
        var keys = new Dictionary<string, string> { ["control-room"] = "secret-key" };

        var settings = FunctionsAppSettings.For(parts, keys, new DateTime(2026, 12, 18, 22, 30, 0), TimeSpan.FromMilliseconds(100));

        Assert.Equal("http://127.0.0.1:7071/", settings["NightSafe__PublicBaseUrl"]);
        Assert.Equal("2026-12-18T22:30:00", settings["NightSafe__ClockStart"]);
        Assert.Equal("true", settings["NightSafe__SeedRoster"]);
        Assert.Equal("Development", settings["AZURE_FUNCTIONS_ENVIRONMENT"]);
        Assert.Equal("http://127.0.0.1:7080/", settings["Twilio__ApiBaseUrl"]);
        Assert.Equal("control-room", settings["Partners__Keys__0__Agency"]);
        Assert.Equal(PartnerKeyRing.Hash("secret-key"), settings["Partners__Keys__0__Sha256"]);
        Assert.DoesNotContain(settings.Values, v => v == "secret-key");
        Assert.DoesNotContain(settings.Keys, k => k.Contains(':', StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_state_file_is_read_back_while_its_process_lives_and_refused_once_it_is_gone()
    {
        var path = Path.Combine(Path.GetTempPath(), "nightsafe-" + Guid.NewGuid().ToString("N"), "stack.json");
        var state = new StackState
        {
            ProcessId = Environment.ProcessId,
            StartedAt = DateTimeOffset.UtcNow,
            FunctionsBaseUrl = new Uri("http://127.0.0.1:7071/"),
            PublicBaseUrl = new Uri("http://127.0.0.1:7071/"),
            FunctionKey = "fk",
            MasterKey = "mk",
            StorageConnectionString = "UseDevelopmentStorage=true",
            ServiceBusConnectionString = "Endpoint=sb://127.0.0.1:5672;",
            TwilioBaseUrl = new Uri("http://127.0.0.1:7080/"),
            TwilioAccountSid = "AC1",
            TwilioAuthToken = "token",
            HubNumber = "+447700900000",
            PartnerKeys = new Dictionary<string, string> { ["control-room"] = "key" },
            Night = "2026-12-18",
        };
        try
        {
            await StackStateFile.WriteAsync(path, state, CancellationToken.None);
            var read = await StackStateFile.ReadRunningAsync(path, CancellationToken.None);
            Assert.Equal("key", read.PartnerKeys["control-room"]);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            await StackStateFile.WriteAsync(path, state with { ProcessId = int.MaxValue }, CancellationToken.None);
            var stale = await Assert.ThrowsAsync<StackNotRunningException>(() => StackStateFile.ReadRunningAsync(path, CancellationToken.None));
            Assert.Contains("no longer running", stale.Message, StringComparison.Ordinal);

            StackStateFile.Delete(path, int.MaxValue);
            Assert.False(File.Exists(path));
            await Assert.ThrowsAsync<StackNotRunningException>(() => StackStateFile.ReadRunningAsync(path, CancellationToken.None));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void The_shares_check_allows_consent_only_fields_with_consent_and_nothing_outside_shares()
    {
        var pastors = World.FindAgency(new AgencyId("street-pastors-chelmsford"))!;
        var council = World.FindAgency(new AgencyId("community-safety-chelmsford"))!;
        string[] keys = ["schemaVersion", "type", "agency", "reference", "location", "subjectPhone"];

        Assert.Empty(CaseCheck.Disallowed(pastors, Consent.Given, keys));
        Assert.Equal(["subjectPhone"], CaseCheck.Disallowed(pastors, Consent.Refused, keys));
        Assert.Equal(["subjectPhone"], CaseCheck.Disallowed(council, Consent.Given, keys));
    }

    [Fact]
    public void The_reference_is_read_from_the_acknowledgement_only()
    {
        Assert.Equal("7KQ2MX", Cli.Sms.OfficerPhone.ReferenceIn("NightSafe ref 7KQ2MX: spiking in Chelmsford logged.")?.ToString());
        Assert.Null(Cli.Sms.OfficerPhone.ReferenceIn("NightSafe 7KQ2MX (Chelmsford 22:31, spiking): routed to partners."));
        Assert.Equal("hello & bye", Cli.Sms.OfficerPhone.ReadTwiml("<?xml version=\"1.0\"?><Response><Message>hello &amp; bye</Message></Response>"));
        Assert.Null(Cli.Sms.OfficerPhone.ReadTwiml("<Response></Response>"));
    }
}
