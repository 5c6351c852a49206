using System.Text.Json;

namespace NightSafe.FunctionsHost;

/// <summary>How to start the worker, from the build output's worker.config.json.</summary>
internal sealed record WorkerDescription(string Executable, IReadOnlyList<string> Arguments);

/// <summary>A built function app folder: its worker, host.json and merged settings.</summary>
internal sealed record FunctionApp(string Directory, WorkerDescription Worker, HostSettings Host, IReadOnlyDictionary<string, string?> Settings)
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Reads the app folder; <paramref name="overrides"/> win over local.settings.json Values.</summary>
    public static FunctionApp Load(string directory, IReadOnlyDictionary<string, string?>? overrides)
    {
        var full = Path.GetFullPath(directory);
        var workerConfig = Path.Combine(full, "worker.config.json");
        if (!File.Exists(workerConfig))
        {
            throw new FileNotFoundException($"{full} has no worker.config.json: pass the build output folder of an isolated-worker function app.", workerConfig);
        }

        var worker = ReadWorker(File.ReadAllText(workerConfig), full);
        var hostJson = Path.Combine(full, "host.json");
        var host = File.Exists(hostJson) ? HostSettings.Parse(File.ReadAllText(hostJson)) : new HostSettings();

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var localSettings = Path.Combine(full, "local.settings.json");
        if (File.Exists(localSettings))
        {
            foreach (var (key, value) in LocalSettingsFile.Parse(File.ReadAllText(localSettings)))
            {
                settings[key] = value;
            }
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new FunctionApp(full, worker, host, settings);
    }

    internal static WorkerDescription ReadWorker(string json, string appDirectory)
    {
        using var document = JsonDocument.Parse(json, ReadOptions);
        if (!document.RootElement.TryGetProperty("description", out var description))
        {
            throw new InvalidDataException("worker.config.json has no 'description'.");
        }

        string Read(string name) => description.TryGetProperty(name, out var value) ? value.GetString() ?? string.Empty : string.Empty;
        var executable = Read("defaultExecutablePath");
        var workerPath = Read("defaultWorkerPath");
        if (executable.Length == 0 || workerPath.Length == 0)
        {
            throw new InvalidDataException("worker.config.json must name defaultExecutablePath and defaultWorkerPath.");
        }

        // The SDK writes {WorkerRoot} into some paths; it stands for the app folder.
        executable = executable.Replace("{WorkerRoot}", appDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        workerPath = workerPath.Replace("{WorkerRoot}", appDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (string.Equals(executable, "dotnet", StringComparison.OrdinalIgnoreCase) || string.Equals(executable, "dotnet.exe", StringComparison.OrdinalIgnoreCase))
        {
            // Under `dotnet test` or `dotnet run` the SDK names the exact muxer; prefer it over PATH.
            var muxer = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            executable = !string.IsNullOrEmpty(muxer) && File.Exists(muxer) ? muxer : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : executable;
        }

        var arguments = new List<string>();
        if (description.TryGetProperty("arguments", out var extra) && extra.ValueKind == JsonValueKind.Array)
        {
            arguments.AddRange(extra.EnumerateArray().Select(a => a.GetString()).OfType<string>());
        }

        arguments.Add(Path.IsPathRooted(workerPath) ? workerPath : Path.Combine(appDirectory, workerPath));
        return new WorkerDescription(executable, arguments);
    }
}

/// <summary>local.settings.json: the <c>Values</c> section is what the host puts in the worker's environment.</summary>
public static class LocalSettingsFile
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static IReadOnlyDictionary<string, string?> Read(string path) => Parse(File.ReadAllText(path));

    public static IReadOnlyDictionary<string, string?> Parse(string json)
    {
        using var document = JsonDocument.Parse(json, ReadOptions);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(),
                };
            }
        }

        return values;
    }
}
