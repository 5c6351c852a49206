using System.Reflection;
using NightSafe.LocalStack;

namespace NightSafe.Cli.Stack;

/// <summary>Where the built NightSafe.Functions app is: bin/&lt;this tool's Configuration&gt;/&lt;TargetFramework&gt;.</summary>
public static class FunctionsAppFolder
{
    /// <summary>The app's output folder under <paramref name="root"/> (default: this checkout).</summary>
    public static string Locate(string? root = null)
    {
        var folder = Path.Combine(
            root ?? RepositoryLayout.FindRoot(),
            "functions",
            "NightSafe.Functions",
            "bin",
            Metadata("Configuration"),
            Metadata("TargetFramework"));
        return File.Exists(Path.Combine(folder, "worker.config.json"))
            ? folder
            : throw new DirectoryNotFoundException(
                $"The Functions app is not built at {folder}: run `dotnet build functions/NightSafe.Functions -c {Metadata("Configuration")}` (dotnet run --project infra/local/NightSafe.Cli builds it first).");
    }

    private static string Metadata(string key) =>
        typeof(FunctionsAppFolder).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Build metadata {key} is missing.");
}
