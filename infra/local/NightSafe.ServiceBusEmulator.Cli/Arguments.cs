using System.Globalization;

namespace NightSafe.ServiceBusEmulator.Cli;

/// <summary><c>--name value</c> pairs and <c>--flag</c> switches; anything else is an error.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    private Arguments()
    {
    }

    public static Arguments Parse(string[] args, IReadOnlySet<string> options, IReadOnlySet<string> switches)
    {
        var parsed = new Arguments();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (switches.Contains(name))
            {
                parsed._values[name] = null;
            }
            else if (options.Contains(name) && i + 1 < args.Length)
            {
                parsed._values[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unknown or incomplete argument '{name}'.");
            }
        }

        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public int Number(string name, int fallback) =>
        _values.TryGetValue(name, out var value) && value is not null ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;
}
