using System.Diagnostics;
using System.Text.Json;
using NightSafe.LocalStack;

namespace NightSafe.Integrations.Tests.Storage;

/// <summary>
/// The mends preloaded into Azurite (infra/local/tools/azurite-mends.js). Their point is speed (the queue clean-up no
/// longer stops Azurite for seconds, a queue request no longer sorts every queued message), which `nightsafe load`
/// measures; these tests show that each mend is
/// applied where the stack runs Azurite, that each mended call still does exactly what Azurite's own did, and that it
/// no longer re-sorts a whole collection (the cause of both stalls), where Azurite's own does.
/// </summary>
[Collection(AzuriteGroup.Name)]
public sealed class AzuriteMendsTests(AzuriteFixture azurite)
{
    private static readonly string Persistence = Path.Combine(RepositoryLayout.LocalInfra(), "node_modules", "azurite", "dist", "src");

    // Both costs were a full rebuild of a collection's binary indices (a sort of every row) on each call, so each
    // check counts the rebuilds a call makes, besides what the call leaves behind.
    private const string CountRebuilds = """
        const spyOnRebuilds = (collection) => {
          const counter = { rebuilds: 0 };
          const rebuild = collection.ensureAllIndexes;
          collection.ensureAllIndexes = function (...args) { counter.rebuilds++; return rebuild.apply(this, args); };
          return counter;
        };
        """;

    // Three extents, one deleted, one delete of an id that is not there.
    private const string ExtentsCheck = CountRebuilds + """
        const Store = require(process.argv[2]).default;
        (async () => {
          const store = new Store('mends-check-extents.db', true);
          await store.init();
          for (const id of ['a', 'b', 'c']) await store.updateExtent({ id, locationId: id, path: id, size: 1, lastModifiedInMS: 0 });
          const counter = spyOnRebuilds(store.db.getCollection(store.EXTENTS_COLLECTION));
          await store.deleteExtent('b');
          await store.deleteExtent('missing');
          const left = [];
          for (const it = store.iteratorExtents(); ;) { const page = await it.next(); if (page.done) break; left.push(...page.value); }
          console.log(JSON.stringify({ left: left.sort(), rebuilds: counter.rebuilds }));
          await store.close();
        })();
        """;

    // A queue with a live message is cleared (nothing expired: the rebuilds are counted), then with an expired one;
    // then two of that queue's messages are dequeued while another queue holds more, some visible, some not.
    private const string QueueCheck = CountRebuilds + """
        const Store = require(process.argv[2]).default;
        (async () => {
          const store = new Store('mends-check-queues.db', true);
          await store.init();
          for (const name of ['q', 'other']) await store.createQueue({ accountName: 'a', name, metadata: undefined });
          const now = Date.now();
          const message = (queueName, id, visible, expires) => ({ accountName: 'a', queueName, messageId: id, popReceipt: 'p', timeNextVisible: new Date(visible),
            persistency: { id, offset: 0, count: 1 }, insertionTime: new Date(0), expirationTime: new Date(expires), dequeueCount: 0 });
          const messages = store.db.getCollection(store.MESSAGES_COLLECTION);
          const counter = spyOnRebuilds(messages);
          await store.insertMessage(message('q', 'live', now - 3000, now + 3600000));
          await store.clearExpiredMessages('a', 'q');
          const rebuilds = counter.rebuilds;
          await store.insertMessage(message('q', 'expired', now - 4000, now - 1000));
          await store.clearExpiredMessages('a', 'q');
          const left = messages.find().map(m => m.messageId).sort();
          await store.insertMessage(message('other', 'other-early', now - 9000, now + 3600000));
          await store.insertMessage(message('q', 'later', now - 1000, now + 3600000));
          await store.insertMessage(message('q', 'earlier', now - 5000, now + 3600000));
          await store.insertMessage(message('q', 'hidden', now + 60000, now + 3600000));
          const taken = await store.getMessages('a', 'q', new Date(now + 30000), 'pop-1', 2, new Date(now));
          const dequeued = taken.map(m => ({ id: m.messageId, queue: m.queueName, pop: m.popReceipt, count: m.dequeueCount, visible: m.timeNextVisible.getTime() - now }));
          const stored = messages.find().map(m => ({ id: m.messageId, pop: m.popReceipt, count: m.dequeueCount, visible: Number(m.timeNextVisible) - now })).sort((x, y) => x.id < y.id ? -1 : 1);
          console.log(JSON.stringify({ left, rebuilds, dequeued, stored }));
          await store.close();
        })();
        """;

    // 1,000 extents in memory, 600 of them deleted (and one id that is not there) while a callback waits on the event
    // loop: it runs before the deletes end only if they hand the loop back (a request waiting on Azurite is such a callback).
    private const string MemoryDeletesCheck = """
        const Store = require(process.argv[2]).default;
        const { MemoryExtentChunkStore } = require(process.argv[2]);
        (async () => {
          const chunks = new MemoryExtentChunkStore(undefined);
          const metadata = new Set();
          const store = Object.create(Store.prototype);
          Object.assign(store, {
            categoryName: 'queue', chunks,
            metadataStore: { deleteExtent: async id => { metadata.delete(id); } },
            logger: { info() {}, debug() {}, error() {} },
          });
          for (let i = 0; i < 1000; i++) { chunks.set('queue', { id: 'e' + i, count: 10 }); metadata.add('e' + i); }
          const doomed = new Set([...Array(600).keys()].map(i => 'e' + i).concat(['missing']));
          let answeredDuring = false;
          let deleting = true;
          setImmediate(() => { answeredDuring = deleting; });
          const deleted = await store.deleteExtents(doomed);
          deleting = false;
          const left = [...Array(1000).keys()].map(i => 'e' + i).filter(id => chunks.get('queue', id));
          console.log(JSON.stringify({ deleted, chunksLeft: left.length, firstLeft: left[0], metadataLeft: metadata.size, size: chunks.totalSize(), answeredDuring }));
        })();
        """;

    [Fact(DisplayName = "The Azurite the stack starts has every mend applied")]
    public void The_stack_s_Azurite_is_mended()
    {
        Assert.Contains("extent delete mended", azurite.Mended);
        Assert.Contains("queue messages mended", azurite.Mended);
        Assert.Contains("in-memory extent deletes mended", azurite.Mended);
        Assert.Contains("table shutdown on SIGTERM mended", azurite.Mended);
    }

    [Fact(DisplayName = "The mended in-memory clean-up deletes the same extents and lets other work in while it runs")]
    public async Task The_mended_in_memory_clean_up_deletes_the_same_and_hands_the_loop_back()
    {
        var store = Path.Combine(Persistence, "common", "persistence", "MemoryExtentStore.js");
        var mended = await RunCheckAsync(MemoryDeletesCheck, store, preload: true);
        var original = await RunCheckAsync(MemoryDeletesCheck, store, preload: false);

        // Both delete exactly the 600 named (the missing one counted, as Azurite's own counts it) and keep the other 400.
        foreach (var run in new[] { mended, original })
        {
            Assert.Equal(601, run.GetProperty("deleted").GetInt32());
            Assert.Equal(400, run.GetProperty("chunksLeft").GetInt32());
            Assert.Equal("e600", run.GetProperty("firstLeft").GetString());
            Assert.Equal(400, run.GetProperty("metadataLeft").GetInt32());
            Assert.Equal(4000, run.GetProperty("size").GetInt32());
        }

        Assert.True(mended.GetProperty("answeredDuring").GetBoolean(), "the mended clean-up let a waiting callback run");
        Assert.False(original.GetProperty("answeredDuring").GetBoolean(), "Azurite's own held the event loop to the end");
    }

    [Fact(DisplayName = "The mended extent delete removes the extent named, and only it, without re-sorting the extents")]
    public async Task The_mended_extent_delete_removes_exactly_the_extent_named()
    {
        var store = Path.Combine(Persistence, "common", "persistence", "LokiExtentMetadataStore.js");
        var mended = await RunCheckAsync(ExtentsCheck, store, preload: true);
        Assert.Equal(["a", "c"], mended.GetProperty("left").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, mended.GetProperty("rebuilds").GetInt32());

        // Azurite's own delete, for contrast: the same result, with the rebuilds that stalled it.
        var original = await RunCheckAsync(ExtentsCheck, store, preload: false);
        Assert.Equal(["a", "c"], original.GetProperty("left").EnumerateArray().Select(e => e.GetString()));
        Assert.True(original.GetProperty("rebuilds").GetInt32() > 0);
    }

    [Fact(DisplayName = "The mended queue messages clear the expired only, re-sort nothing when none expired, and dequeue as Azurite's own")]
    public async Task The_mended_queue_messages_behave_as_Azurite_s_own()
    {
        var store = Path.Combine(Persistence, "queue", "persistence", "LokiQueueMetadataStore.js");
        var mended = await RunCheckAsync(QueueCheck, store, preload: true);
        Assert.Equal(["live"], mended.GetProperty("left").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, mended.GetProperty("rebuilds").GetInt32());

        // The oldest visible two of this queue, in order, each taken (pop receipt, count, hidden for 30 s).
        var dequeued = mended.GetProperty("dequeued").EnumerateArray().ToList();
        Assert.Equal(["earlier", "live"], dequeued.Select(m => m.GetProperty("id").GetString()));
        Assert.All(dequeued, m =>
        {
            Assert.Equal("q", m.GetProperty("queue").GetString());
            Assert.Equal("pop-1", m.GetProperty("pop").GetString());
            Assert.Equal(1, m.GetProperty("count").GetInt32());
            Assert.Equal(30000, m.GetProperty("visible").GetInt64());
        });

        // Azurite's own code: the same messages taken and stored, with the rebuild the mend removes.
        var original = await RunCheckAsync(QueueCheck, store, preload: false);
        Assert.True(original.GetProperty("rebuilds").GetInt32() > 0);
        Assert.Equal(original.GetProperty("left").GetRawText(), mended.GetProperty("left").GetRawText());
        Assert.Equal(original.GetProperty("dequeued").GetRawText(), mended.GetProperty("dequeued").GetRawText());
        Assert.Equal(original.GetProperty("stored").GetRawText(), mended.GetProperty("stored").GetRawText());
    }

    private static async Task<JsonElement> RunCheckAsync(string check, string store, bool preload)
    {
        var script = Path.Combine(Path.GetTempPath(), $"nightsafe-mends-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(script, check);
        try
        {
            var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (preload)
            {
                info.ArgumentList.Add("--require");
                info.ArgumentList.Add(AzuriteServer.Mends);
            }

            info.ArgumentList.Add(script);
            info.ArgumentList.Add(store);
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
