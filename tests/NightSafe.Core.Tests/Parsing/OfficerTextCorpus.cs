using System.Text.Json;
using System.Text.Json.Serialization;

namespace NightSafe.Core.Tests.Domain.Parsing;

/// <summary>One officer text from officer-texts.json and everything the parser must make of it.</summary>
public sealed record CorpusCase(
    string Text,
    string Kind,
    string? Town,
    IReadOnlyList<string>? Categories,
    string? SubjectPhone,
    string? Consent,
    string? Location,
    string? Description,
    bool UnreadablePhone,
    string? Reference,
    string? Outcome,
    IReadOnlyList<string>? Missing,
    string? Note);

internal static class OfficerTextCorpus
{
    private static readonly Lazy<IReadOnlyDictionary<string, CorpusCase>> Loaded = new(Load);

    public static IReadOnlyDictionary<string, CorpusCase> Cases => Loaded.Value;

    // A misspelt field in the corpus must fail loudly, not be silently ignored.
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static Dictionary<string, CorpusCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Parsing", "officer-texts.json");
        var cases = JsonSerializer.Deserialize<List<CorpusCase>>(File.ReadAllText(path), Options)
                    ?? throw new InvalidOperationException("officer-texts.json is empty");
        return cases.ToDictionary(c => c.Text, StringComparer.Ordinal);
    }
}
