using System.Text.Json;
using Json.Schema;

namespace PartnerConsumer;

/// <summary>Checks a message against NightSafe's published JSON Schemas before anything reads it.</summary>
public sealed class CaseContract
{
    /// <summary>Each Subject this consumer was written for, with its schema (a message without a Subject is a case).</summary>
    private readonly Dictionary<string, JsonSchema> _schemas;

    public CaseContract(string schemaFolder)
    {
        var registry = new SchemaRegistry();
        JsonSchema Load(string file) => JsonSchema.FromFile(Path.Combine(schemaFolder, file), new BuildOptions { SchemaRegistry = registry });
        _schemas = new(StringComparer.Ordinal)
        {
            ["case"] = Load("case.schema.json"),
            ["case-closed"] = Load("case-closed.schema.json"),
            ["case-updated"] = Load("case-updated.schema.json"),
            ["case-reminder"] = Load("case-reminder.schema.json"),
        };
    }

    /// <summary>Whether this consumer was written for messages of <paramref name="subject"/> (null: a case).</summary>
    public bool Knows(string? subject) => _schemas.ContainsKey(subject ?? "case");

    /// <summary>Null when <paramref name="body"/> is a valid message of <paramref name="subject"/>, else why not.</summary>
    public string? Problem(string subject, string body)
    {
        var schema = _schemas.GetValueOrDefault(subject) ?? _schemas["case"];
        try
        {
            using var document = JsonDocument.Parse(body);
            var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
            if (result.IsValid)
            {
                return null;
            }

            var first = (result.Details ?? []).FirstOrDefault(d => d.Errors is { Count: > 0 });
            return first is null ? "does not match the schema" : $"{first.InstanceLocation}: {first.Errors!.First().Value}";
        }
        catch (JsonException)
        {
            return "not JSON";
        }
    }
}
