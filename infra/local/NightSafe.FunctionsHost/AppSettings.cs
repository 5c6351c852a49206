using System.Text.RegularExpressions;

namespace NightSafe.FunctionsHost;

/// <summary>App settings as the host resolves them: the merged Values first, then the process environment.</summary>
internal sealed partial class AppSettings(IReadOnlyDictionary<string, string?> values)
{
    public string? this[string name] =>
        values.TryGetValue(name, out var value) && value is not null ? value : Environment.GetEnvironmentVariable(name);

    /// <summary>Replaces each <c>%name%</c> in a binding expression (queue names, schedules) with its setting.</summary>
    public string Resolve(string expression) => SettingReference().Replace(expression, match =>
        this[match.Groups[1].Value] ?? throw new InvalidOperationException($"The app setting '{match.Groups[1].Value}' used in '{expression}' is not set."));

    /// <summary>The storage connection string a binding's <c>connection</c> names (default AzureWebJobsStorage).</summary>
    public string StorageConnectionString(string? connection)
    {
        var name = string.IsNullOrWhiteSpace(connection) ? "AzureWebJobsStorage" : connection;
        var value = this[name] ?? this["AzureWebJobs" + name];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"The storage connection '{name}' is not set: add it to the settings (local.settings.json Values).");
        }

        return value;
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingReference();
}
