namespace NightSafe.LocalStack;

/// <summary>The pinned npm packages of infra/local, installed with <c>npm ci</c> on first use.</summary>
public static class NodeTools
{
    /// <summary>
    /// Returns the full path of <paramref name="relativeEntry"/> under <paramref name="localInfra"/>, running
    /// <c>npm ci</c> first (once, under a lock shared by every process) when it is missing.
    /// </summary>
    public static async Task<string> EnsureInstalledAsync(string localInfra, string relativeEntry, Action<string>? log, CancellationToken cancellationToken)
    {
        var entry = Path.Combine(localInfra, relativeEntry);
        if (File.Exists(entry))
        {
            return entry;
        }

        var lockPath = Path.Combine(localInfra, ".npm-ci.lock");
        using var fileLock = await AcquireAsync(lockPath, cancellationToken);
        if (File.Exists(entry))
        {
            return entry;
        }

        log?.Invoke("Installing the offline stack's Node.js tools (npm ci in infra/local), once...");
        var output = new List<string>();
        await using (var npm = ChildProcess.Start("npm ci", "npm", ["ci", "--no-audit", "--no-fund"], localInfra, line => { lock (output) { output.Add(line); } }, tieToParent: false))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(10));
            await npm.WaitForExitAsync(timeout.Token);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {localInfra} failed (exit {npm.ExitCode}):{Environment.NewLine}{string.Join(Environment.NewLine, output.TakeLast(20))}");
            }
        }

        return File.Exists(entry) ? entry : throw new FileNotFoundException($"npm ci finished but {entry} is missing.", entry);
    }

    private static async Task<FileStream> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another process is installing; wait for it to finish.
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }
}
