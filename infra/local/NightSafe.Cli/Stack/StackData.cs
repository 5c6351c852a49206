using System.Security.Cryptography;

namespace NightSafe.Cli.Stack;

/// <summary>
/// What `up` keeps on disk between runs (in <c>.nightsafe/</c> by default, git-ignored): Azurite's data, and the phone
/// key pepper the tables' phone keys are made with. Without the same pepper a restarted stack could not find an
/// officer, an opt-out or a duty phone it had stored, so the pepper is made once and kept, owner-only, with the data.
/// </summary>
public static class StackData
{
    public const string PepperFile = "phone-key-pepper";

    /// <summary>Azurite's <c>--location</c> inside the data folder.</summary>
    public static string AzuriteFolder(string dataDirectory) => Path.Combine(dataDirectory, "azurite");

    /// <summary>The kept pepper (base64 of 32 random bytes), made on first use.</summary>
    public static async Task<string> PepperAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var path = Path.Combine(Directory.CreateDirectory(dataDirectory).FullName, PepperFile);
        if (File.Exists(path))
        {
            var kept = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
            if (kept.Length > 0)
            {
                return kept;
            }
        }

        var pepper = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        if (File.Exists(path))
        {
            File.Delete(path);
        }

        await using (var file = new FileStream(path, options))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteAsync(pepper);
        }

        return pepper;
    }
}
