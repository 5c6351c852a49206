using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NightSafe.Cli.Load;
using NightSafe.Cli.Stack;
using NightSafe.Core.World;
using NightSafe.LocalStack;
using Spectre.Console;

namespace NightSafe.Cli.Commands;

/// <summary>
/// `nightsafe load --rates 5,25,50 --duration 20s`: drives the running stack (`up`) with signed officer texts, phase by
/// phase, and prints what it sustained as a share of this machine's storage ceiling. Exit 1 when any case was lost or
/// delivered twice.
/// </summary>
public static class LoadCommand
{
    // NaN percentiles (a phase with no sample) are written as "NaN" rather than failing the output.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Command Create(Option<string?> statePath)
    {
        var rates = new Option<string>("--rates") { Description = "Referrals per second offered, one phase each, e.g. 5,25,50.", DefaultValueFactory = _ => "5,25" }
            .Accepting(IsRates, "rates per second separated by commas, such as 5,25,50");
        var duration = new Option<string>("--duration") { Description = "How long each phase offers its rate, e.g. 20s or 1m.", DefaultValueFactory = _ => "20s" }
            .Accepting(IsDuration, "a duration such as 20s, 1m or 500ms");
        var drain = new Option<string>("--drain") { Description = "Longest wait after a phase for its cases to reach the partners.", DefaultValueFactory = _ => "60s" }
            .Accepting(IsDuration, "a duration such as 60s or 2m");
        var warmUp = new Option<string>("--warm-up") { Description = "Texts at 5/s for this long before the first phase, not counted (a hub just started is slow at first); 0 for none.", DefaultValueFactory = _ => "10s" }
            .Accepting(t => t.Trim() is "0" or "0s" || IsDuration(t), "a duration such as 10s, or 0 for none");
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON (no progress bar)." };
        var deployed = new DeployedHubOptions();
        var command = new Command("load", "Drive the running stack (or a deployed hub, --hub) with officer texts at given rates; print latency, throughput, storage requests per referral, losses and duplicates, and the share of the storage ceiling.")
        {
            rates,
            duration,
            drain,
            warmUp,
            json,
        };
        deployed.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = Options(parse.GetRequiredValue(rates), parse.GetRequiredValue(duration), parse.GetRequiredValue(drain)) with { WarmUp = Duration(parse.GetRequiredValue(warmUp)) };
            var world = RoutingWorld.Load(RepositoryLayout.RoutingJson());
            return deployed.StateFrom(parse, world) is { } target
                ? RunAsync(target, world, options, parse.GetValue(json), cancellationToken)
                : RunningHub.RunAsync(parse.GetValue(statePath), state => RunAsync(state, world, options, parse.GetValue(json), cancellationToken), cancellationToken);
        });
        return command;
    }

    /// <summary>The figures as `--json` prints them.</summary>
    public static string ToJson(LoadReport report) => JsonSerializer.Serialize(report, Json);

    public static LoadOptions Options(string rates, string duration, string drain) => new()
    {
        Rates = [.. rates.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => double.Parse(r, CultureInfo.InvariantCulture))],
        PhaseDuration = Duration(duration),
        DrainTimeout = Duration(drain),
    };

    private static bool IsRates(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries) is { Length: > 0 } parts
        && parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0 && rate <= 10_000);

    private static bool IsDuration(string text)
    {
        try
        {
            return Duration(text) is { TotalMilliseconds: > 0 } d && d <= TimeSpan.FromHours(24);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>"20s", "1m", "500ms" or a plain number of seconds.</summary>
    public static TimeSpan Duration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        return text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture)),
            _ when text.EndsWith('s') => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
            _ when text.EndsWith('m') => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
            _ => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)),
        };
    }

    private static async Task<int> RunAsync(StackState state, RoutingWorld world, LoadOptions options, bool json, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var run = new LoadRun(state, world, http);
        LoadReport report;
        if (json || !AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            report = await run.RunAsync(options, null, cancellationToken);
        }
        else
        {
            LoadReport? done = null;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("Texts sent");
                    done = await run.RunAsync(options, new Reporter(p =>
                    {
                        bar.MaxValue = Math.Max(1, p.Planned);
                        bar.Value = p.Sent;
                        bar.Description = p.Phase == 0
                            ? string.Create(CultureInfo.InvariantCulture, $"Warming up at {p.Rate:0.#}/s (not counted): {p.Accepted} accepted")
                            : string.Create(CultureInfo.InvariantCulture, $"Phase {p.Phase}/{p.Phases} at {p.Rate:0.#}/s: {p.Accepted} accepted, {p.CasesReceived} cases");
                    }), cancellationToken);
                    bar.Value = bar.MaxValue;
                });
            report = done!;
        }

        if (json)
        {
            Console.WriteLine(ToJson(report));
        }
        else
        {
            Print(report);
        }

        return report.Clean ? 0 : 1;
    }

    public static void Print(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        if (report.Ceiling is { } ceiling)
        {
            AnsiConsole.MarkupLine(string.Create(c, $"Storage ceiling on this machine (same run): [bold]{ceiling.InsertsPerSecond:0}[/] inserts/s, [bold]{ceiling.QueueSendsPerSecond:0}[/] queue sends/s."));
        }

        if (report.WarmUpTexts > 0)
        {
            AnsiConsole.MarkupLine(string.Create(c, $"Warm-up: {report.WarmUpTexts} texts before the phases, in no phase's figures{(report.WarmUpClean ? "." : "; [red]some were not accepted, or lost or doubled[/].")}"));
        }

        // One column per phase, one row per figure: fits a terminal whatever the number of phases.
        var table = new Table().Border(TableBorder.Rounded).Title("nightsafe load").AddColumn("Offered referrals/s");
        foreach (var p in report.Phases)
        {
            table.AddColumn(new TableColumn(p.OfferedPerSecond.ToString("0.#", c)).RightAligned());
        }

        Row(table, "Texts (accepted)", report.Phases, p => string.Create(c, $"{p.Texts} ({p.Accepted})"));
        Row(table, "Answered late by text (missing) / refused", report.Phases, p => string.Create(c, $"{p.AnsweredLate} ({p.LateAnswersMissing}) / {p.Refused}"));
        Row(table, "Webhook p50/p95/p99 ms", report.Phases, p => Triple(p.Webhook));
        Row(table, "Accepted→partner p50/p95/p99 ms", report.Phases, p => Triple(p.AcceptedToPartner));
        Row(table, "Fully routed/s", report.Phases, p => p.RoutedPerSecond.ToString("0.0", c));
        Row(table, "Storage requests/referral", report.Phases, p => p.StorageRequestsPerReferral?.ToString("0.0", c) ?? "n/a");
        Row(table, "Ceiling bound/s", report.Phases, p => p.CeilingBound?.ToString("0", c) ?? "n/a");
        Row(table, "Share of the bound", report.Phases, p => p.ShareOfCeiling?.ToString("0.00", c) ?? "n/a");
        Row(table, "Lost / twice", report.Phases, p => string.Create(c, $"{p.Losses} / {p.Duplicates}"));
        Row(table, "Not yet routed / flagged", report.Phases, p => string.Create(c, $"{p.Unfinished} / {p.FlaggedForManualRouting}"));
        Row(table, "Most overtaken (order)", report.Phases, p => p.MostOvertaken.ToString(c));
        Row(table, "Storage probe p50/p99/max ms", report.Phases, p => p.StorageProbe is { } probe ? string.Create(c, $"{probe.P50:0}/{probe.P99:0}/{p.StorageProbeMaxMs:0}") : "n/a");
        Row(table, "Storage stalls", report.Phases, p => p.Stalls == 0 ? "0" : string.Create(c, $"{p.Stalls} (≤{p.LongestStallMs:0} ms)"));
        Row(table, "Machine CPU busy", report.Phases, p => p.MachineCpuBusy?.ToString("P0", c) ?? "n/a");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]Storage requests: the app's own table and queue clients (SDK pipeline counter); the host's receive and delete of the routing message add about 1-2; each delivery report of the advice SMS adds 2. Ceiling bound = inserts/s ÷ requests per referral. Routed/s: referrals with every case on its partner's subscription, per second of the phase. Storage probe: a point read of one row every 100 ms straight at the storage account; a slow webhook while it stayed fast was slowed by the hub, not by storage. Most overtaken: the most cases of referrals sent after another was accepted that reached a partner before it (0: acceptance order). Not yet routed: accepted, still waiting for routing when the drain ended (a longer --drain would tell; not lost); flagged: routing failed every retry and the control room routes it by hand. Machine CPU busy: every process on this machine, the stack's and this command's, from a phase's first text until it drained; near 100% with a low share of the bound, the processors ran out before storage did.[/]");
        if (report.Stalls > 0)
        {
            AnsiConsole.MarkupLine(string.Create(c, $"[yellow]Storage stalled {report.Stalls} times (probe slower than 1 s; longest {report.LongestStallMs:0} ms). On the offline stack, check that Azurite's log says its mends were applied (infra/local/tools/azurite-mends.js).[/]"));
        }

        AnsiConsole.MarkupLine(
            report.Clean ? "[green]No case lost, none delivered twice.[/]"
            : report.Phases.All(p => p.Losses == 0 && p.Duplicates == 0) ? "[yellow]No case lost or delivered twice, but some referrals were not routed by the end of the drain or were flagged (see above).[/]"
            : "[red]Cases were lost or delivered twice.[/]");
    }

    private static void Row(Table table, string figure, IEnumerable<PhaseFigures> phases, Func<PhaseFigures, string> value) =>
        table.AddRow([figure, .. phases.Select(value)]);

    private static string Triple(Percentiles p) =>
        p.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{p.P50:0}/{p.P95:0}/{p.P99:0}");

    // Progress<T> posts to the thread pool out of order; the bar only needs the latest state, synchronously.
    private sealed class Reporter(Action<LoadProgress> show) : IProgress<LoadProgress>
    {
        private readonly Lock _gate = new();

        public void Report(LoadProgress value)
        {
            lock (_gate)
            {
                show(value);
            }
        }
    }
}

/// <summary>
/// A deployed hub instead of the `up` stack: its Functions URL, the URL Twilio signs, the host's master key (for the
/// storage diagnostic), the Twilio account the hub validates signatures with, and the storage and Service Bus the
/// command reads (case rows, subscriptions, the ceiling). The officers texting are routing.json's roster seed.
/// </summary>
internal sealed class DeployedHubOptions
{
    private readonly Option<Uri?> _hub = new("--hub") { Description = "A deployed hub's Functions base URL (https://<app>.azurewebsites.net/); without it, the `up` stack.", CustomParser = HttpUrl };
    private readonly Option<Uri?> _publicUrl = new("--public-url") { Description = "The base URL Twilio signs (NightSafe:PublicBaseUrl); default --hub.", CustomParser = HttpUrl };
    private readonly Option<string?> _masterKey = new("--master-key") { Description = "The host's master key (reads GET /api/diagnostics/storage)." };
    private readonly Option<string?> _accountSid = new Option<string?>("--twilio-account-sid") { Description = "The Twilio account SID the hub expects." }
        .Accepting(t => t.Length == 34 && t.StartsWith("AC", StringComparison.Ordinal) && t[2..].All(char.IsAsciiHexDigit), "a Twilio account SID (AC and 32 hex digits)");
    private readonly Option<string?> _authToken = new("--twilio-auth-token") { Description = "The Twilio auth token the hub validates signatures with." };
    private readonly Option<string?> _hubNumber = new Option<string?>("--hub-number") { Description = "The hub's SMS number (E.164)." }
        .Accepting(t => t.Length is >= 8 and <= 16 && t[0] == '+' && t[1..].All(char.IsAsciiDigit), "an E.164 number such as +447700900000");
    private readonly Option<string?> _storage = new Option<string?>("--storage") { Description = "The hub's storage connection string (case rows, the ceiling)." }
        .Accepting(t => t.Contains("AccountName=", StringComparison.OrdinalIgnoreCase) || t.Contains("TableEndpoint=", StringComparison.OrdinalIgnoreCase), "a storage connection string (AccountName=...;AccountKey=... or with TableEndpoint=)");
    private readonly Option<string?> _serviceBus = new Option<string?>("--servicebus") { Description = "A Service Bus connection string that may listen on every agency's subscription." }
        .Accepting(t => t.Contains("Endpoint=sb://", StringComparison.OrdinalIgnoreCase), "a Service Bus connection string (Endpoint=sb://...)");

    private static Uri? HttpUrl(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return uri;
        }

        var name = result.Parent is System.CommandLine.Parsing.OptionResult option ? option.Option.Name : "the URL";
        result.AddError($"{name} must be an http(s) URL such as https://func-nightsafe-prod.azurewebsites.net/, not '{text}'.");
        return null;
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _hub, _publicUrl, _masterKey, _accountSid, _authToken, _hubNumber, _storage, _serviceBus })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            // Only whether --hub was given: a bad URL is its own parse error, and reading its value would throw.
            if (result.GetResult(_hub) is not { Tokens.Count: > 0 })
            {
                return;
            }

            var missing = new (Option Option, string? Value)[]
            {
                (_masterKey, result.GetValue(_masterKey)),
                (_accountSid, result.GetValue(_accountSid)),
                (_authToken, result.GetValue(_authToken)),
                (_hubNumber, result.GetValue(_hubNumber)),
                (_storage, result.GetValue(_storage)),
                (_serviceBus, result.GetValue(_serviceBus)),
            }.Where(o => string.IsNullOrWhiteSpace(o.Value)).Select(o => o.Option.Name).ToList();
            if (missing.Count > 0)
            {
                result.AddError($"--hub needs {string.Join(", ", missing)}.");
            }
        });
    }

    /// <summary>The deployed hub as a stack state, or null when no --hub was given (use the `up` stack).</summary>
    public StackState? StateFrom(ParseResult parse, RoutingWorld world)
    {
        if (parse.GetValue(_hub) is not { } hub)
        {
            return null;
        }

        return new StackState
        {
            ProcessId = Environment.ProcessId,
            StartedAt = DateTimeOffset.UtcNow,
            FunctionsBaseUrl = hub,
            PublicBaseUrl = parse.GetValue(_publicUrl) ?? hub,
            FunctionKey = string.Empty,
            MasterKey = parse.GetValue(_masterKey)!,
            StorageConnectionString = parse.GetValue(_storage)!,
            ServiceBusConnectionString = parse.GetValue(_serviceBus)!,
            TwilioBaseUrl = new Uri("https://api.twilio.com/"),
            TwilioAccountSid = parse.GetValue(_accountSid)!,
            TwilioAuthToken = parse.GetValue(_authToken)!,
            HubNumber = parse.GetValue(_hubNumber)!,
            PartnerKeys = new Dictionary<string, string>(),
            Night = NightSafe.Core.Nights.NightId.For(DateTimeOffset.UtcNow, world).ToString(),
        };
    }
}
