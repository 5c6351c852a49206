using Microsoft.Extensions.Logging;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;
using NightSafe.Core.World;

namespace NightSafe.Core.Control;

/// <summary>An officer as the control room adds one: the phone in any UK format, the town by id or name.</summary>
public sealed record RosterAddition(string? Collar, string? Name, string? Town, string? Phone, bool Supervisor);

/// <summary>What a roster change did; <see cref="Invalid"/> names each bad field (or CSV line).</summary>
public abstract record RosterResult
{
    private RosterResult()
    {
    }

    public sealed record Done(IReadOnlyList<RosterEntry> Changed) : RosterResult;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : RosterResult;

    public sealed record NotFound : RosterResult;
}

/// <summary>
/// The control room manages who may text referrals: list (phones masked), add or update, deactivate, import a CSV.
/// Every change is a roster audit event naming who made it. An officer whose phone changes keeps one active entry:
/// adding a collar number that is on the roster under another phone deactivates the old one.
/// </summary>
public sealed partial class RosterAdministration(IOfficerRoster roster, IRosterDirectory directory, RoutingWorld world, TimeProvider time, ILogger<RosterAdministration> logger)
{
    public const int MaxCollar = 16;
    public const int MaxName = 64;
    public const int MaxImportLines = 2000;
    public const string CsvHeader = "collar,name,town,phone,supervisor";

    public Task<IReadOnlyList<RosterEntry>> ListAsync(CancellationToken cancellationToken) => directory.ListAsync(cancellationToken);

    public Task<IReadOnlyList<RosterChange>> ChangesAsync(int max, CancellationToken cancellationToken) => directory.ChangesAsync(Math.Clamp(max, 1, 500), cancellationToken);

    public async Task<RosterResult> AddAsync(RosterAddition addition, string actor, CancellationToken cancellationToken)
    {
        var (officer, errors) = Check(addition, string.Empty);
        if (officer is null)
        {
            return new RosterResult.Invalid(errors);
        }

        var existing = await directory.ListAsync(cancellationToken);
        return new RosterResult.Done([await ApplyAsync(officer, existing, actor, "added", cancellationToken)]);
    }

    public async Task<RosterResult> DeactivateAsync(string collar, string actor, CancellationToken cancellationToken)
    {
        var matches = (await directory.ListAsync(cancellationToken)).Where(e => e.Active && SameCollar(e.Collar, collar)).ToList();
        if (matches.Count == 0)
        {
            return new RosterResult.NotFound();
        }

        foreach (var entry in matches)
        {
            await directory.SetActiveAsync(entry.Id, false, cancellationToken);
            await directory.RecordAsync(new RosterChange(time.GetUtcNow(), actor, "deactivated", entry.Collar, entry.TownId, entry.MaskedPhone), cancellationToken);
        }

        LogChanged("deactivated", matches.Count);
        return new RosterResult.Done([.. matches.Select(e => e with { Active = false })]);
    }

    /// <summary>
    /// A CSV of <see cref="CsvHeader"/> (header line required; supervisor is yes/no, true/false, y/n or empty). Every line is
    /// checked first: one bad line imports nothing, and the errors name each line and field.
    /// </summary>
    public async Task<RosterResult> ImportAsync(string csv, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var lines = csv.ReplaceLineEndings("\n").Split('\n').Select((text, i) => (Text: text.Trim(), Number: i + 1)).Where(l => l.Text.Length > 0).ToList();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (lines.Count == 0 || !string.Equals(string.Join(',', SplitCsv(lines[0].Text).Select(c => c.Trim().ToLowerInvariant())), CsvHeader, StringComparison.Ordinal))
        {
            errors["line 1"] = [$"The first line must be the header {CsvHeader}."];
            return new RosterResult.Invalid(errors);
        }

        if (lines.Count - 1 > MaxImportLines)
        {
            errors["file"] = [$"At most {MaxImportLines} officers per import."];
            return new RosterResult.Invalid(errors);
        }

        var officers = new List<Officer>();
        foreach (var (text, number) in lines.Skip(1))
        {
            var cells = SplitCsv(text);
            if (cells.Count != 5)
            {
                errors[$"line {number}"] = [$"Expected 5 fields ({CsvHeader}), found {cells.Count}."];
                continue;
            }

            var supervisor = ParseFlag(cells[4]);
            if (supervisor is null)
            {
                errors[$"line {number}.supervisor"] = ["yes or no."];
                continue;
            }

            var (officer, lineErrors) = Check(new RosterAddition(cells[0], cells[1], cells[2], cells[3], supervisor.Value), $"line {number}.");
            foreach (var (field, messages) in lineErrors)
            {
                errors[field] = messages;
            }

            if (officer is not null)
            {
                officers.Add(officer);
            }
        }

        foreach (var duplicate in officers.GroupBy(o => o.Collar.ToUpperInvariant()).Where(g => g.Count() > 1))
        {
            errors[$"collar {duplicate.First().Collar}"] = ["Listed more than once."];
        }

        if (errors.Count > 0)
        {
            return new RosterResult.Invalid(errors);
        }

        var existing = await directory.ListAsync(cancellationToken);
        var changed = new List<RosterEntry>();
        foreach (var officer in officers)
        {
            changed.Add(await ApplyAsync(officer, existing, actor, "imported", cancellationToken));
        }

        return new RosterResult.Done(changed);
    }

    private async Task<RosterEntry> ApplyAsync(Officer officer, IReadOnlyList<RosterEntry> existing, string actor, string action, CancellationToken cancellationToken)
    {
        var masked = UkPhoneNumber.Mask(officer.Phone);
        await roster.UpsertAsync(officer, cancellationToken);
        var now = time.GetUtcNow();
        await directory.RecordAsync(new RosterChange(now, actor, action, officer.Collar, officer.TownId.Value, masked, officer.Supervisor ? "supervisor" : null), cancellationToken);
        var stored = await directory.EntryForAsync(officer.Phone, cancellationToken)
            ?? throw new InvalidOperationException($"Officer {officer.Collar} was written to the roster but cannot be read back.");
        foreach (var previous in existing.Where(e => e.Active && SameCollar(e.Collar, officer.Collar) && e.Id != stored.Id))
        {
            // The same officer on a new phone: the old number may no longer refer.
            await directory.SetActiveAsync(previous.Id, false, cancellationToken);
            await directory.RecordAsync(new RosterChange(now, actor, "deactivated", previous.Collar, previous.TownId, previous.MaskedPhone, "replaced by a new phone"), cancellationToken);
        }

        LogChanged(action, 1);
        return stored;
    }

    private (Officer? Officer, Dictionary<string, string[]> Errors) Check(RosterAddition? addition, string prefix)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var collar = addition?.Collar?.Trim() ?? string.Empty;
        var name = addition?.Name?.Trim() ?? string.Empty;
        if (collar.Length is 0 or > MaxCollar || !collar.All(char.IsAsciiLetterOrDigit))
        {
            errors[prefix + "collar"] = [$"Letters and digits, 1 to {MaxCollar}."];
        }

        if (name.Length is 0 or > MaxName || name.Any(char.IsControl))
        {
            errors[prefix + "name"] = [$"1 to {MaxName} characters."];
        }

        var town = FindTown(addition?.Town);
        if (town is null)
        {
            errors[prefix + "town"] = ["One of: " + string.Join(", ", world.Towns.Select(t => t.Id)) + "."];
        }

        if (!UkPhoneNumber.TryNormalise(addition?.Phone, out var phone))
        {
            errors[prefix + "phone"] = ["A UK mobile number."];
        }

        return errors.Count > 0 || town is null
            ? (null, errors)
            : (new Officer(phone, name, collar.ToUpperInvariant(), town.Id, Active: true, Supervisor: addition!.Supervisor), errors);
    }

    private Town? FindTown(string? text)
    {
        var wanted = text?.Trim();
        return string.IsNullOrEmpty(wanted)
            ? null
            : world.Towns.FirstOrDefault(t => string.Equals(t.Id.Value, wanted, StringComparison.OrdinalIgnoreCase) || string.Equals(t.Name, wanted, StringComparison.OrdinalIgnoreCase));
    }

    private static bool SameCollar(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static bool? ParseFlag(string text) => text.Trim().ToLowerInvariant() switch
    {
        "" or "no" or "n" or "false" or "0" => false,
        "yes" or "y" or "true" or "1" => true,
        _ => null,
    };

    /// <summary>Splits one CSV line; a field in double quotes may hold commas and doubled quotes.</summary>
    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString().Trim());
        return cells;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Officer roster: {Count} officer(s) {Action}")]
    private partial void LogChanged(string action, int count);
}
