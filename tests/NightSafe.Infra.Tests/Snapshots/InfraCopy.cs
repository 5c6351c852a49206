using NightSafe.LocalStack;

namespace NightSafe.Infra.Tests.Snapshots;

/// <summary>
/// A throw-away copy of infra/ (without the offline stack) and routing.json in the repository's layout, so Bicep
/// resolves the same relative paths and writes its snapshot files outside the checkout.
/// </summary>
public sealed class InfraCopy : IDisposable
{
    private InfraCopy(string root) => Root = root;

    /// <summary>The copy's root: it holds infra/ and functions/NightSafe.Functions/routing.json.</summary>
    public string Root { get; }

    public string Infra => Path.Combine(Root, "infra");

    public string RoutingJson => RepositoryLayout.RoutingJson(Root);

    /// <summary>Copies the checkout's Bicep and routing.json; <paramref name="routingJson"/> replaces the latter's text.</summary>
    public static InfraCopy Create(string? routingJson = null)
    {
        var source = RepositoryLayout.FindRoot();
        var root = Directory.CreateTempSubdirectory("nightsafe-infra-").FullName;
        var copy = new InfraCopy(root);
        var infra = Path.Combine(source, "infra");
        foreach (var file in Directory.EnumerateFiles(infra, "*", SearchOption.TopDirectoryOnly)
                     .Concat(Directory.EnumerateFiles(Path.Combine(infra, "modules"), "*", SearchOption.AllDirectories)))
        {
            var target = Path.Combine(copy.Infra, Path.GetRelativePath(infra, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(copy.RoutingJson)!);
        if (routingJson is null)
        {
            File.Copy(RepositoryLayout.RoutingJson(source), copy.RoutingJson);
        }
        else
        {
            File.WriteAllText(copy.RoutingJson, routingJson);
        }

        return copy;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; the test result is what matters.
        }
    }
}
