using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using NightSafe.FunctionsHost.Functions;

namespace NightSafe.FunctionsHost.Http;

/// <summary>The auth levels Azure enforces for HTTP triggers.</summary>
internal enum AuthLevel
{
    Anonymous,
    Function,
    Admin,
}

/// <summary>One HTTP-triggered function's route, methods and auth level.</summary>
internal sealed record HttpRoute(FunctionDescriptor Function, string Template, IReadOnlySet<string>? Methods, AuthLevel AuthLevel)
{
    public bool Allows(string method) => Methods is null || Methods.Contains(method);
}

/// <summary>The outcome of matching a request path and method.</summary>
internal abstract record RouteMatch
{
    public sealed record Found(HttpRoute Route, RouteValueDictionary Values) : RouteMatch;

    public sealed record WrongMethod(IReadOnlyList<string> Allowed) : RouteMatch;

    public sealed record NotFound : RouteMatch;
}

/// <summary>Matches /{routePrefix}/{route} against the functions' route templates, constraints included.</summary>
internal sealed class HttpRouteTable
{
    private readonly List<(HttpRoute Route, TemplateMatcher Matcher, RoutePattern Pattern)> _routes;
    private readonly IInlineConstraintResolver _constraints;
    private readonly string _prefix;

    public HttpRouteTable(IEnumerable<HttpRoute> routes, string routePrefix, IInlineConstraintResolver constraints)
    {
        _constraints = constraints;
        _prefix = routePrefix.Trim('/');
        _routes = [.. routes
            .Select(route =>
            {
                var pattern = RoutePatternFactory.Parse(route.Template);
                return (route, new TemplateMatcher(TemplateParser.Parse(route.Template), new RouteValueDictionary(pattern.Defaults)), pattern);
            })
            // Most literal segments first, then fewest parameters, so "items/new" beats "items/{id}".
            .OrderByDescending(r => r.pattern.PathSegments.Count(s => s.IsSimple && s.Parts[0].IsLiteral))
            .ThenBy(r => r.pattern.Parameters.Count)];
    }

    public IEnumerable<HttpRoute> Routes => _routes.Select(r => r.Route);

    /// <summary>Reads an httpTrigger binding: route (default: the function name), methods (null: any), authLevel.</summary>
    public static HttpRoute FromFunction(FunctionDescriptor function)
    {
        var trigger = function.Trigger;
        var methods = trigger.List("methods");
        var level = (trigger.Text("authLevel") ?? "function").ToUpperInvariant() switch
        {
            "ANONYMOUS" => AuthLevel.Anonymous,
            "ADMIN" or "SYSTEM" => AuthLevel.Admin,
            _ => AuthLevel.Function,
        };
        var route = trigger.Text("route");
        return new HttpRoute(
            function,
            string.IsNullOrWhiteSpace(route) ? function.Name : route.Trim('/'),
            methods.Count == 0 ? null : methods.Select(m => m.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal),
            level);
    }

    public RouteMatch Match(PathString path, string method)
    {
        var value = path.Value ?? "/";
        string relative;
        if (_prefix.Length == 0)
        {
            relative = value;
        }
        else if (value.StartsWith("/" + _prefix + "/", StringComparison.OrdinalIgnoreCase) || value.Equals("/" + _prefix, StringComparison.OrdinalIgnoreCase))
        {
            relative = value[(_prefix.Length + 1)..];
        }
        else
        {
            return new RouteMatch.NotFound();
        }

        var candidate = new PathString(relative.Length == 0 ? "/" : relative);
        var allowed = new List<string>();
        foreach (var (route, matcher, pattern) in _routes)
        {
            var values = new RouteValueDictionary();
            if (!matcher.TryMatch(candidate, values) || !ConstraintsHold(pattern, values))
            {
                continue;
            }

            if (route.Allows(method.ToUpperInvariant()))
            {
                return new RouteMatch.Found(route, values);
            }

            allowed.AddRange(route.Methods ?? Enumerable.Empty<string>());
        }

        return allowed.Count > 0 ? new RouteMatch.WrongMethod([.. allowed.Distinct().Order(StringComparer.Ordinal)]) : new RouteMatch.NotFound();
    }

    private bool ConstraintsHold(RoutePattern pattern, RouteValueDictionary values)
    {
        foreach (var parameter in pattern.Parameters)
        {
            if (!values.TryGetValue(parameter.Name, out var value) || value is null)
            {
                continue;
            }

            foreach (var policy in parameter.ParameterPolicies)
            {
                if (policy.Content is not null && _constraints.ResolveConstraint(policy.Content) is { } constraint
                    && !constraint.Match(null, null, parameter.Name, values, RouteDirection.IncomingRequest))
                {
                    return false;
                }
            }
        }

        return true;
    }
}

/// <summary>Azure's key rules: a key in x-functions-key or ?code=; the master key opens every level.</summary>
internal static class FunctionKeys
{
    public static string? Presented(HttpRequest request) =>
        request.Headers.TryGetValue("x-functions-key", out var header) && !string.IsNullOrEmpty(header)
            ? header.ToString()
            : request.Query.TryGetValue("code", out var code) ? code.ToString() : null;

    public static bool Authorized(AuthLevel level, string? presented, string functionKey, string masterKey) => level switch
    {
        AuthLevel.Anonymous => true,
        AuthLevel.Function => presented is not null && (FixedEquals(presented, functionKey) || FixedEquals(presented, masterKey)),
        _ => presented is not null && FixedEquals(presented, masterKey),
    };

    private static bool FixedEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));
}
