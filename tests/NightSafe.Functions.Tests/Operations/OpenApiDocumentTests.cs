using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using NightSafe.Functions.Operations;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests.Operations;

/// <summary>The OpenAPI document names exactly the app's HTTP functions, with their routes, methods and auth levels.</summary>
[Collection(LocalHubGroup.Name)]
public sealed partial class OpenApiDocumentTests(LocalHub hub)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    /// <summary>Security schemes that stand for the Functions host's own key check (AuthorizationLevel.Function or Admin).</summary>
    private static readonly HashSet<string> FunctionKeySchemes = ["functionKey", "functionKeyQuery"];

    private sealed record Endpoint(string Method, string Path, string Name, AuthorizationLevel Level);

    private static List<Endpoint> Functions() =>
        typeof(HealthApi).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Function is not null && f.Trigger is not null)
            .SelectMany(f => (f.Trigger!.Methods ?? Methods).Select(method => new Endpoint(method.ToLowerInvariant(), "/" + f.Trigger.Route, f.Function!.Name, f.Trigger.AuthLevel)))
            .ToList();

    private static JsonElement Document() => JsonDocument.Parse(File.ReadAllText(OpenApiDocument.PathOnDisk)).RootElement;

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(op => Methods.Contains(op.Name))
            .Select(op => (op.Name, path.Name, op.Value)));

    [Fact]
    public void Every_http_function_has_an_operation_and_every_operation_a_function()
    {
        var functions = Functions().Select(f => $"{f.Method} {f.Path} {f.Name}").Order(StringComparer.Ordinal).ToList();
        var documented = Operations(Document()).Select(o => $"{o.Method} {o.Path} {o.Operation.GetProperty("operationId").GetString()}").Order(StringComparer.Ordinal).ToList();

        Assert.True(functions.Count >= 9, "the reflection found too few functions: " + string.Join(", ", functions));
        Assert.Equal(functions, documented);
    }

    [Fact]
    public void Each_operation_states_its_functions_auth_level_and_route_parameters()
    {
        var operations = Operations(Document()).ToDictionary(o => $"{o.Method} {o.Path}", o => o.Operation);
        foreach (var function in Functions())
        {
            var operation = operations[$"{function.Method} {function.Path}"];
            Assert.True(operation.TryGetProperty("security", out var security), $"{function.Name} states no security");
            var schemes = security.EnumerateArray().SelectMany(requirement => requirement.EnumerateObject().Select(s => s.Name)).ToHashSet();
            if (function.Level is AuthorizationLevel.Function or AuthorizationLevel.Admin)
            {
                Assert.True(schemes.SetEquals(FunctionKeySchemes), $"{function.Name} needs a function key; the document says {string.Join(",", schemes)}");
            }
            else
            {
                Assert.False(schemes.Overlaps(FunctionKeySchemes), $"{function.Name} is anonymous to the host; the document asks for a function key");
            }

            var routeParameters = RouteParameter().Matches(function.Path).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
            var pathParameters = operation.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList()
                : [];
            Assert.Equal(routeParameters, pathParameters);
        }
    }

    [Fact]
    public void Every_security_scheme_an_operation_names_is_defined()
    {
        var document = Document();
        var defined = document.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Select(s => s.Name).ToHashSet();
        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        Assert.All(
            Operations(document).SelectMany(o => o.Operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name))),
            s => Assert.Contains(s, defined));
    }

    [Fact]
    public async Task The_app_serves_the_document_anonymously_at_api_openapi_json()
    {
        var request = new TestHttpRequestData(hub.Context(), "GET", new Uri("http://127.0.0.1/api/openapi.json"));

        var (status, body) = await OpenApiDocument.RunAsync(request, hub.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(File.ReadAllText(OpenApiDocument.PathOnDisk), body);
    }

    [GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
