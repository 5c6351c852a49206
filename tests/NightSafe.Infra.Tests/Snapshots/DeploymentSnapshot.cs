using System.Text.Json;

namespace NightSafe.Infra.Tests.Snapshots;

/// <summary>One resource as Bicep predicts it will be deployed: loops unrolled, names and ids evaluated.</summary>
public sealed record PredictedResource(string Id, string Type, string Name, JsonElement Json)
{
    /// <summary>The resource's <c>properties</c> object (an empty object when it has none).</summary>
    public JsonElement Properties => Json.TryGetProperty("properties", out var p) ? p : EmptyObject;

    /// <summary>The last segment of <see cref="Name"/>.</summary>
    public string ShortName => Name[(Name.LastIndexOf('/') + 1)..];

    /// <summary>
    /// For an extension resource (role assignment, diagnostic setting): the id of the resource it applies to. When
    /// the name depends on a runtime value Bicep leaves the id as an <c>extensionResourceId(scope, ...)</c> expression.
    /// </summary>
    public string Scope
    {
        get
        {
            const string Expression = "[extensionResourceId('";
            if (Id.StartsWith(Expression, StringComparison.Ordinal))
            {
                return Id[Expression.Length..Id.IndexOf('\'', Expression.Length)];
            }

            var marker = Id.LastIndexOf("/providers/Microsoft.", StringComparison.Ordinal);
            return marker <= 0 ? "" : Id[..marker];
        }
    }

    public string Property(string name) => Properties.GetProperty(name).ToString();

    public override string ToString() => $"{Type} {Id}";

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;
}

/// <summary>The output of <c>bicep snapshot</c>: the predicted resources and the deployment's outputs.</summary>
public sealed class DeploymentSnapshot
{
    private DeploymentSnapshot(IReadOnlyList<PredictedResource> resources, IReadOnlyDictionary<string, JsonElement> outputs, string text)
    {
        Resources = resources;
        Outputs = outputs;
        Text = text;
    }

    public IReadOnlyList<PredictedResource> Resources { get; }

    public IReadOnlyDictionary<string, JsonElement> Outputs { get; }

    /// <summary>The snapshot file as Bicep wrote it.</summary>
    public string Text { get; }

    public static DeploymentSnapshot Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        var resources = root.GetProperty("predictedResources").EnumerateArray()
            .Select(r => new PredictedResource(
                r.GetProperty("id").GetString()!,
                r.GetProperty("type").GetString()!,
                r.GetProperty("name").GetString()!,
                r))
            .ToList();
        var outputs = root.TryGetProperty("outputs", out var o)
            ? o.EnumerateObject().ToDictionary(p => p.Name, p => p.Value)
            : [];
        return new DeploymentSnapshot(resources, outputs, json);
    }

    public IReadOnlyList<PredictedResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The one resource of <paramref name="type"/>; fails when there are none or several.</summary>
    public PredictedResource Only(string type)
    {
        var matches = OfType(type);
        Assert.True(matches.Count == 1, $"Expected exactly one {type}, found {matches.Count}.");
        return matches[0];
    }
}
