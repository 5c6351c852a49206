using System.Text.Json;

namespace NightSafe.Infra.Tests.Bicep;

/// <summary>One diagnostic Bicep reported (a linter rule or a compiler code).</summary>
public sealed record BicepDiagnostic(string RuleId, string Level, string Message, string File, int Line)
{
    public override string ToString() => $"{File}({Line}) {Level} {RuleId}: {Message}";
}

/// <summary>Reads the SARIF that <c>--diagnostics-format sarif</c> prints.</summary>
public static class SarifLog
{
    /// <summary>Every result in every run; a result without a level is a warning, as SARIF defines.</summary>
    public static IReadOnlyList<BicepDiagnostic> Diagnostics(string sarif)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sarif);
        var diagnostics = new List<BicepDiagnostic>();
        using var document = JsonDocument.Parse(sarif);
        foreach (var run in document.RootElement.GetProperty("runs").EnumerateArray())
        {
            foreach (var result in run.GetProperty("results").EnumerateArray())
            {
                var level = result.TryGetProperty("level", out var l) ? l.GetString() ?? "warning" : "warning";
                var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
                diagnostics.Add(new BicepDiagnostic(
                    result.GetProperty("ruleId").GetString() ?? "",
                    level,
                    result.GetProperty("message").GetProperty("text").GetString() ?? "",
                    location.GetProperty("artifactLocation").GetProperty("uri").GetString() ?? "",
                    location.GetProperty("region").GetProperty("startLine").GetInt32()));
            }
        }

        return diagnostics;
    }
}
