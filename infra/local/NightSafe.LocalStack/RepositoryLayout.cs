namespace NightSafe.LocalStack;

/// <summary>Finds the checkout's well-known folders from wherever a tool or test runs.</summary>
public static class RepositoryLayout
{
    private const string Marker = "NightSafe.sln";

    /// <summary>The folder holding NightSafe.sln, found by walking up from <paramref name="start"/> (default: this assembly's folder).</summary>
    public static string FindRoot(string? start = null)
    {
        var candidates = new[] { start, AppContext.BaseDirectory, Directory.GetCurrentDirectory() };
        foreach (var candidate in candidates)
        {
            for (var dir = candidate is null ? null : new DirectoryInfo(candidate); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, Marker)))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException($"Could not find {Marker} above {start ?? AppContext.BaseDirectory}; run from inside a NightSafe checkout.");
    }

    /// <summary>infra/local: the offline stack's Node.js tools (package.json, node_modules).</summary>
    public static string LocalInfra(string? root = null) => Path.Combine(root ?? FindRoot(), "infra", "local");

    /// <summary>functions/NightSafe.Functions/routing.json.</summary>
    public static string RoutingJson(string? root = null) => Path.Combine(root ?? FindRoot(), "functions", "NightSafe.Functions", "routing.json");
}
