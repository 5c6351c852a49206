using System.Diagnostics;

namespace NightSafe.LocalStack;

/// <summary>
/// A tool process owned by this one: output forwarded line by line, the whole tree stopped on dispose,
/// and (when tied) stopped by tools/with-parent.js if this process dies without disposing it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly bool _tied;

    private ChildProcess(Process process, string name, bool tied)
    {
        _process = process;
        _name = name;
        _tied = tied;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts <paramref name="fileName"/>; <paramref name="onOutput"/> receives each line of stdout and stderr.</summary>
    public static ChildProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        Action<string>? onOutput = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool tieToParent = true)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = tieToParent,
            UseShellExecute = false,
        };

        if (tieToParent)
        {
            info.FileName = "node";
            info.ArgumentList.Add(Path.Combine(RepositoryLayout.LocalInfra(), "tools", "with-parent.js"));
            info.ArgumentList.Add(fileName);
        }
        else
        {
            info.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name}: could not start {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, name, tieToParent);

        void Forward(string? line)
        {
            if (line is not null)
            {
                onOutput?.Invoke(line);
            }
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>
    /// Asks a tied process to stop as a tool is asked to (with-parent.js sees its stdin close and sends the tool
    /// SIGTERM), so it can finish what it was writing; waits up to <paramref name="grace"/>, then kills what is left.
    /// </summary>
    public async ValueTask StopAsync(TimeSpan grace)
    {
        try
        {
            if (_tied && !_process.HasExited)
            {
                _process.StandardInput.Close();
                using var wait = new CancellationTokenSource(grace);
                await _process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            // Not gone in time, or already gone: the kill below settles it.
        }

        await DisposeAsync();
    }

    /// <summary>Stops the process and everything it started, and waits (bounded) for it to go.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing to stop.
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} (pid {_process.Id}) did not exit within 10 s of being killed.");
        }
        finally
        {
            _process.Dispose();
        }
    }
}
