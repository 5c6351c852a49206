using System.Text.Json;
using Json.Schema;

namespace PartnerConsumer;

/// <summary>Checks a message against NightSafe's published JSON Schemas before anything reads it.</summary>
public sealed class CaseContract
{
    private readonly JsonSchema _case;
    private readonly JsonSchema _closed;
    private readonly JsonSchema _updated;
    private readonly JsonSchema _reminder;

    public CaseContract(string schemaFolder)
    {
        var registry = new SchemaRegistry();
        _case = JsonSchema.FromFile(Path.Combine(schemaFolder, "case.schema.json"), new BuildOptions { SchemaRegistry = registry });
        _closed = JsonSchema.FromFile(Path.Combine(schemaFolder, "case-closed.schema.json"), new BuildOptions { SchemaRegistry = registry });
        _updated = JsonSchema.FromFile(Path.Combine(schemaFolder, "case-updated.schema.json"), new BuildOptions { SchemaRegistry = registry });
        _reminder = JsonSchema.FromFile(Path.Combine(schemaFolder, "case-reminder.schema.json"), new BuildOptions { SchemaRegistry = registry });
    }

    /// <summary>Null when <paramref name="body"/> is a valid message of <paramref name="subject"/>, else why not.</summary>
    public string? Problem(string subject, string body)
    {
        var schema = subject switch
        {
            "case-closed" => _closed,
            "case-updated" => _updated,
            "case-reminder" => _reminder,
            _ => _case,
        };
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
