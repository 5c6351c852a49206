using System.Diagnostics;
using System.Text.Json;
using NightSafe.LocalStack;

namespace NightSafe.Cli.Stack;

/// <summary>What `nightsafe up` writes so `text`, `partner` and `sms` can reach the running stack (local secrets).</summary>
public sealed record StackState
{
    public required int ProcessId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required Uri FunctionsBaseUrl { get; init; }

    public required Uri PublicBaseUrl { get; init; }

    public required string FunctionKey { get; init; }

    public required string MasterKey { get; init; }

    public required string StorageConnectionString { get; init; }

    public required string ServiceBusConnectionString { get; init; }

    public required Uri TwilioBaseUrl { get; init; }

    public required string TwilioAccountSid { get; init; }

    public required string TwilioAuthToken { get; init; }

    public required string HubNumber { get; init; }

    public required IReadOnlyDictionary<string, string> PartnerKeys { get; init; }

    public required string Night { get; init; }

    /// <summary>The control room's key (header X-Control-Room-Key) for dossiers and summaries.</summary>
    public string? ControlRoomKey { get; init; }

    /// <summary>Local sign-in links to the pages: "board" and each agency id (`nightsafe keys` prints them).</summary>
    public IReadOnlyDictionary<string, Uri>? SignInLinks { get; init; }

    /// <summary>The Functions worker's process id when the state was written (it changes if the worker is restarted).</summary>
    public int? WorkerProcessId { get; init; }
}

/// <summary>The state file, .nightsafe/stack.json at the checkout's root (git-ignored; readable by its owner only).</summary>
public static class StackStateFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string PathIn(string? root = null) => Path.Combine(root ?? RepositoryLayout.FindRoot(), ".nightsafe", "stack.json");

    public static async Task WriteAsync(string path, StackState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // It holds keys and tokens: only the user who started the stack may read it.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // Written aside, then moved into place: a reader never sees a half-written file.
        var partial = path + ".partial";
        await using (var file = new FileStream(partial, options))
        {
            await JsonSerializer.SerializeAsync(file, state, Json, cancellationToken);
        }

        File.Move(partial, path, overwrite: true);
    }

    /// <summary>The running stack's state; a missing file, or one left by a process that is gone, is an error that says what to do.</summary>
    public static async Task<StackState> ReadRunningAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new StackNotRunningException($"No running stack: {path} does not exist. Start one with `dotnet nightsafe up` in another terminal.");
        }

        StackState? state;
        await using (var file = File.OpenRead(path))
        {
            try
            {
                state = await JsonSerializer.DeserializeAsync<StackState>(file, Json, cancellationToken);
            }
            catch (JsonException ex)
            {
                throw new StackNotRunningException($"{path} is not a stack state file ({ex.Message}). Restart `dotnet nightsafe up`.");
            }
        }

        if (state is null || !IsAlive(state.ProcessId))
        {
            throw new StackNotRunningException($"The stack recorded in {path} is no longer running. Start one with `dotnet nightsafe up`.");
        }

        return state;
    }

    /// <summary>The running stack's state, or null when none is running (no file, an unreadable one, or its process gone).</summary>
    public static async Task<StackState?> TryReadRunningAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadRunningAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is StackNotRunningException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes the file if it still describes the stack of <paramref name="processId"/>.</summary>
    public static void Delete(string path, int processId)
    {
        try
        {
            using var file = File.OpenRead(path);
            if (JsonSerializer.Deserialize<StackState>(file, Json)?.ProcessId != processId)
            {
                return;
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return;
        }

        File.Delete(path);
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>No `nightsafe up` stack is running for a command that needs one.</summary>
public sealed class StackNotRunningException(string message) : Exception(message);
