using System.Globalization;

namespace NightSafe.FunctionsHost.Cli;

/// <summary>The console's arguments.</summary>
internal sealed record CommandLine(string AppDirectory, int Port, string? SettingsFile, string? MasterKey, string? FunctionKey, bool Verbose, bool ShowHelp)
{
    public const string Usage = """
        usage: functions-host --app <build output folder> [--port 7071] [--settings local.settings.json]
                              [--master-key KEY] [--function-key KEY] [--verbose]
        Runs the app's isolated worker and serves its HTTP, storage-queue and timer triggers on 127.0.0.1.
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? app = null;
        string? settings = null;
        string? masterKey = null;
        string? functionKey = null;
        var port = 7071;
        var verbose = false;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--app":
                    app = Value();
                    break;
                case "--port":
                    port = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535
                        ? p
                        : throw new ArgumentException("--port must be a number from 0 to 65535.");
                    break;
                case "--settings":
                    settings = Value();
                    break;
                case "--master-key":
                    masterKey = Value();
                    break;
                case "--function-key":
                    functionKey = Value();
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                case "-h" or "--help":
                    return new CommandLine(string.Empty, port, null, null, null, false, true);
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        return app is null
            ? throw new ArgumentException("--app is required.")
            : new CommandLine(app, port, settings, masterKey, functionKey, verbose, false);
    }
}
