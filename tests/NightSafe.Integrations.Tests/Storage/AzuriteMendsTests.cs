using System.Diagnostics;
using System.Text.Json;
using NightSafe.LocalStack;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>
/// The mends preloaded into Azurite (infra/local/tools/azurite-mends.js). Their point is speed (the queue clean-up no
/// longer stops Azurite for seconds), which `nightsafe load` measures as stalls; these tests show that the mend is
/// applied where the stack runs Azurite, and that the mended delete still deletes exactly what it is asked to.
/// </summary>
[Collection(AzuriteGroup.Name)]
public sealed class AzuriteMendsTests(AzuriteFixture azurite)
{
    private static readonly string ExtentStore = Path.Combine(
        RepositoryLayout.LocalInfra(), "node_modules", "azurite", "dist", "src", "common", "persistence", "LokiExtentMetadataStore.js");

    // Three extents, one deleted, one delete of an id that is not there; prints what is left and whether the
    // store's delete is still Azurite's own (findAndRemove).
    private const string Check = """
        const Store = require(process.argv[2]).default;
        (async () => {
          const store = new Store('mends-check.db', true);
          await store.init();
          for (const id of ['a', 'b', 'c']) await store.updateExtent({ id, locationId: id, path: id, size: 1, lastModifiedInMS: 0 });
          await store.deleteExtent('b');
          await store.deleteExtent('missing');
          const left = [];
          for (const it = store.iteratorExtents(); ;) { const page = await it.next(); if (page.done) break; left.push(...page.value); }
          console.log(JSON.stringify({ left: left.sort(), original: String(Store.prototype.deleteExtent).includes('findAndRemove') }));
          await store.close();
        })();
        """;

    [Fact(DisplayName = "The Azurite the stack starts has the extent delete mended")]
    public void The_stack_s_Azurite_is_mended() =>
        Assert.Contains("extent delete mended", azurite.Mended);

    [Fact(DisplayName = "The mended extent delete removes the extent named, and only it")]
    public async Task The_mended_delete_removes_exactly_the_extent_named()
    {
        var mended = await RunCheckAsync(preload: true);
        Assert.False(mended.GetProperty("original").GetBoolean());
        Assert.Equal(["a", "c"], mended.GetProperty("left").EnumerateArray().Select(e => e.GetString()));

        // The same check without the mend sees Azurite's own delete, so the check above can tell them apart.
        var original = await RunCheckAsync(preload: false);
        Assert.True(original.GetProperty("original").GetBoolean());
        Assert.Equal(["a", "c"], original.GetProperty("left").EnumerateArray().Select(e => e.GetString()));
    }

    private static async Task<JsonElement> RunCheckAsync(bool preload)
    {
        var script = Path.Combine(Path.GetTempPath(), $"nightsafe-mends-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(script, Check);
        try
        {
            var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (preload)
            {
                info.ArgumentList.Add("--require");
                info.ArgumentList.Add(AzuriteServer.Mends);
            }

            info.ArgumentList.Add(script);
            info.ArgumentList.Add(ExtentStore);
            using var node = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var output = node.StandardOutput.ReadToEndAsync(deadline.Token);
            var errors = node.StandardError.ReadToEndAsync(deadline.Token);
            await node.WaitForExitAsync(deadline.Token);
            Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await errors}");
            var last = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            return JsonDocument.Parse(last).RootElement.Clone();
        }
        finally
        {
            File.Delete(script);
        }
    }
}
