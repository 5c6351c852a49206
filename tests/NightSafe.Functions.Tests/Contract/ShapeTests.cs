using System.Text.RegularExpressions;
using NightSafe.Core.Ports;

namespace NightSafe.Functions.Tests.Contract;

/// <summary>
/// One place for each rule, checked on the source: one optimistic-concurrency loop, one definition of each queue name,
/// and HTTP functions that only bind, call and map (no method body over 30 lines).
/// </summary>
public sealed partial class ShapeTests
{
    private const int MaxHttpFunctionBody = 30;

    private static readonly string Root = FindRoot();

    private static IEnumerable<(string Path, string Text)> Sources(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(Root, f), File.ReadAllText(f)));

    [Fact]
    public void The_hub_has_one_optimistic_concurrency_retry_loop()
    {
        var loops = Sources("functions")
            .SelectMany(s => ConflictRetry().Matches(s.Text).Select(_ => s.Path))
            .ToList();

        Assert.Equal([Path.Combine("functions", "NightSafe.Core", "Ports", "ReferralUpdates.cs")], loops);
    }

    [Fact]
    public void Each_queue_name_is_spelled_once()
    {
        var sources = Sources("functions").ToList();
        foreach (var queue in QueueNames.All)
        {
            var spelled = sources.Where(s => s.Text.Contains($"\"{queue}\"", StringComparison.Ordinal)).Select(s => s.Path).ToList();
            Assert.True(spelled.Count == 1, $"{queue} is spelled in {string.Join(", ", spelled)}");
        }
    }

    [Fact]
    public void No_http_function_body_is_over_30_lines()
    {
        var bodies = Sources(Path.Combine("functions", "NightSafe.Functions")).SelectMany(s => HttpFunctionBodies(s.Path, s.Text)).ToList();

        Assert.True(bodies.Count >= 20, $"found only {bodies.Count} HTTP functions: the scan is broken");
        Assert.All(bodies, b => Assert.True(b.Lines <= MaxHttpFunctionBody, $"{b.Path} {b.Method}: {b.Lines} lines"));
    }

    /// <summary>Each [Function] method whose parameters hold an [HttpTrigger]: its name and the lines between its braces.</summary>
    private static IEnumerable<(string Path, string Method, int Lines)> HttpFunctionBodies(string path, string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].TrimStart().StartsWith("[Function(", StringComparison.Ordinal))
            {
                continue;
            }

            var open = Array.FindIndex(lines, i, l => l == "    {");
            var close = Array.FindIndex(lines, open, l => l == "    }");
            var signature = string.Join('\n', lines[i..open]);
            if (signature.Contains("[HttpTrigger(", StringComparison.Ordinal))
            {
                yield return (path, MethodName().Match(signature).Groups[1].Value, close - open - 1);
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NightSafe.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("NightSafe.sln not found above the test folder.");
    }

    [GeneratedRegex(@"catch \(ConcurrencyConflictException\)\s+when \(")]
    private static partial Regex ConflictRetry();

    [GeneratedRegex(@"public (?:async )?Task<HttpResponseData> (\w+)\(")]
    private static partial Regex MethodName();
}
