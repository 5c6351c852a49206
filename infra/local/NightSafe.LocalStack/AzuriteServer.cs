using System.Collections.Concurrent;
using System.Globalization;

namespace NightSafe.LocalStack;

/// <summary>Ports for Azurite's three services; 0 picks a free port.</summary>
public sealed record AzuriteOptions
{
    public int BlobPort { get; init; }

    public int QueuePort { get; init; }

    public int TablePort { get; init; }

    /// <summary>Keep data in memory only (tests); otherwise it lives under <see cref="Location"/>.</summary>
    public bool InMemory { get; init; } = true;

    /// <summary>Where persistent data lives when <see cref="InMemory"/> is false (default infra/local/.azurite).</summary>
    public string? Location { get; init; }

    public Action<string>? Log { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Azurite (the pinned npm package in infra/local): its blob, queue and table services, each in a child process of its
/// own. Azure's services are separate; in one Node process the three share one thread, so the hub's queue traffic
/// (the Functions host's polling, receives and deletes, every work item) and the queue's clean-up waited in line with
/// every table request.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account and key (public, documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>
    /// Preloaded into Azurite: mends in its own code that stall it (infra/local/tools/azurite-mends.js says which and
    /// why). Each prints one line when applied, which <see cref="Mended"/> collects.
    /// </summary>
    public static string Mends => Path.Combine(RepositoryLayout.LocalInfra(), "tools", "azurite-mends.js");

    private const string MendedPrefix = "azurite-mends: ";

    private readonly IReadOnlyList<ChildProcess> _processes;
    private readonly bool _inMemory;
    private readonly ConcurrentQueue<string> _mended;

    private AzuriteServer(IReadOnlyList<ChildProcess> processes, int blobPort, int queuePort, int tablePort, bool inMemory, ConcurrentQueue<string> mended)
    {
        _processes = processes;
        _inMemory = inMemory;
        _mended = mended;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>The mends (<see cref="Mends"/>) Azurite said it applied as it started (once each, whichever service's process said it); one it left out says so on stderr instead.</summary>
    public IReadOnlyCollection<string> Mended => [.. _mended.Distinct(StringComparer.Ordinal)];

    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};");

    /// <summary>Whether its processes are stopped (<see cref="PauseForAsync"/>).</summary>
    public bool IsPaused { get; private set; }

    /// <summary>
    /// Storage that hangs rather than refuses: Azurite's processes are stopped (SIGSTOP) for <paramref name="outage"/>,
    /// so connections open and requests wait unanswered, then continued (also when cancelled). Linux and macOS.
    /// </summary>
    public async Task PauseForAsync(TimeSpan outage, CancellationToken cancellationToken = default)
    {
        await SignalAsync("STOP");
        IsPaused = true;
        try
        {
            await Task.Delay(outage, cancellationToken);
        }
        finally
        {
            await ResumeAsync();
        }
    }

    /// <summary>Continues a paused Azurite; does nothing to a running one.</summary>
    public async Task ResumeAsync()
    {
        if (IsPaused)
        {
            await SignalAsync("CONT");
            IsPaused = false;
        }
    }

    // Azurite runs under a small node wrapper that dies with its parent: the signal goes to the wrapper and its children.
    private async Task SignalAsync(string signal)
    {
        string[] arguments = ["-" + signal, .. _processes.SelectMany(p => ProcessTree(p.Id)).Select(id => id.ToString(CultureInfo.InvariantCulture))];
        using var kill = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("kill", arguments) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("kill could not be started.");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} failed: {await kill.StandardError.ReadToEndAsync()}");
        }
    }

    private static List<int> ProcessTree(int root)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ...": the name may hold spaces and brackets, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture);
                (parents.TryGetValue(parent, out var children) ? children : parents[parent] = []).Add(pid);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.GetValueOrDefault(tree[i]) ?? []);
        }

        return tree;
    }

    public static async Task<AzuriteServer> StartAsync(AzuriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AzuriteOptions();
        var localInfra = RepositoryLayout.LocalInfra();
        var entry = await NodeTools.EnsureInstalledAsync(localInfra, Path.Combine("node_modules", "azurite", "dist", "src", "azurite.js"), options.Log, cancellationToken);
        var services = Path.GetDirectoryName(entry)!;

        // A free port can be taken between the check and Azurite's bind; try a few fresh sets.
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var blob = options.BlobPort == 0 ? FreeTcpPort.Next() : options.BlobPort;
            var queue = options.QueuePort == 0 ? FreeTcpPort.Next() : options.QueuePort;
            var table = options.TablePort == 0 ? FreeTcpPort.Next() : options.TablePort;
            string[] storage = options.InMemory
                ? ["--inMemoryPersistence"]
                : ["--location", Directory.CreateDirectory(options.Location ?? Path.Combine(localInfra, ".azurite")).FullName];

            var recent = new Queue<string>();
            var mended = new ConcurrentQueue<string>();
            void OnLine(string line)
            {
                if (line.StartsWith(MendedPrefix, StringComparison.Ordinal))
                {
                    mended.Enqueue(line[MendedPrefix.Length..]);
                }

                lock (recent)
                {
                    recent.Enqueue(line);
                    if (recent.Count > 20)
                    {
                        recent.Dequeue();
                    }
                }

                options.Log?.Invoke(line);
            }

            // Each service's own entry point takes the same flags as azurite.js, for its own service, and keeps its data
            // in the same files under --location, so a stack's data outlives the change.
            var processes = new[] { ("blob", blob), ("queue", queue), ("table", table) }
                .Select(service => ChildProcess.Start(
                    "azurite-" + service.Item1,
                    "node",
                    [
                        "--require", Mends,
                        Path.Combine(services, service.Item1, "main.js"),
                        "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry",
                        $"--{service.Item1}Host", "127.0.0.1", $"--{service.Item1}Port", Port(service.Item2),
                        .. storage,
                    ],
                    localInfra,
                    OnLine))
                .ToList();
            var server = new AzuriteServer(processes, blob, queue, table, options.InMemory, mended);
            if (await server.WaitReadyAsync(options.StartTimeout, cancellationToken))
            {
                return server;
            }

            var exited = processes.Any(p => p.HasExited);
            await server.DisposeAsync();
            if (!exited || attempt == attempts || options.BlobPort != 0)
            {
                string output;
                lock (recent)
                {
                    output = string.Join(Environment.NewLine, recent);
                }

                throw new InvalidOperationException(
                    $"Azurite did not start on ports {blob}/{queue}/{table} within {options.StartTimeout.TotalSeconds:0} s (exited: {exited}).{Environment.NewLine}{output}");
            }
        }

        static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
    }

    private async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var (process, port) in _processes.Zip([BlobPort, QueuePort, TablePort]))
        {
            var left = deadline - DateTime.UtcNow;
            using var exited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watch = process.WaitForExitAsync(exited.Token).ContinueWith(_ => exited.Cancel(), TaskScheduler.Default);
            try
            {
                if (process.HasExited || left <= TimeSpan.Zero || !await FreeTcpPort.WaitUntilListeningAsync(port, left, exited.Token))
                {
                    return false;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            finally
            {
                await exited.CancelAsync();
                await watch;
            }
        }

        return !_processes.Any(p => p.HasExited);
    }

    /// <summary>
    /// Stops Azurite. Data kept on disk is written on a timer and when Azurite shuts down, so a persistent Azurite is
    /// asked to shut down (SIGTERM) and given time to write the last changes; an in-memory one is simply killed.
    /// </summary>
    public async ValueTask DisposeAsync() => await Task.WhenAll(_processes.Select(StopOneAsync));

    private async Task StopOneAsync(ChildProcess process)
    {
        if (_inMemory)
        {
            await process.DisposeAsync();
        }
        else
        {
            await process.StopAsync(TimeSpan.FromSeconds(10));
        }
    }
}
