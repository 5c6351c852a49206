using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using NightSafe.Core.World;

namespace NightSafe.Core.Nights;

/// <summary>
/// A night's id, "2026-12-18": the local date on which the night began. The day rolls over at the night's END
/// (08:00 local): an instant before 08:00 belongs to the previous date's night; from 08:00 on, to the night that starts
/// that evening. Local time is the world's time zone, so both clock changes are handled.
/// </summary>
[JsonConverter(typeof(NightIdJsonConverter))]
public readonly record struct NightId(DateOnly Date) : IComparable<NightId>
{
    private const string Format = "yyyy-MM-dd";

    /// <summary>The night an instant belongs to.</summary>
    public static NightId For(DateTimeOffset instant, RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var local = world.ToLocal(instant);
        var date = DateOnly.FromDateTime(local);
        return new NightId(TimeOnly.FromDateTime(local) < world.NightEnds ? date.AddDays(-1) : date);
    }

    public static bool TryParse(string? s, out NightId id)
    {
        id = default;
        if (s is null || !DateOnly.TryParseExact(s, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        id = new NightId(date);
        return true;
    }

    /// <summary>Reads "yyyy-MM-dd" or throws <see cref="FormatException"/>.</summary>
    public static NightId Parse(string s) =>
        TryParse(s, out var id) ? id : throw new FormatException("A night id is a date as yyyy-MM-dd.");

    /// <summary>When the night begins: <see cref="RoutingWorld.NightStarts"/> (18:00) local on <see cref="Date"/>.</summary>
    public DateTimeOffset Start(RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.ToInstant(Date, world.NightStarts);
    }

    /// <summary>When the night ends: <see cref="RoutingWorld.NightEnds"/> (08:00) local on the next date.</summary>
    public DateTimeOffset End(RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.ToInstant(Date.AddDays(1), world.NightEnds);
    }

    public NightId Previous => new(Date.AddDays(-1));

    public NightId Next => new(Date.AddDays(1));

    public int CompareTo(NightId other) => Date.CompareTo(other.Date);

    public static bool operator <(NightId left, NightId right) => left.CompareTo(right) < 0;

    public static bool operator >(NightId left, NightId right) => left.CompareTo(right) > 0;

    public static bool operator <=(NightId left, NightId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(NightId left, NightId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Date.ToString(Format, CultureInfo.InvariantCulture);
}

/// <summary>Writes a <see cref="NightId"/> as "yyyy-MM-dd".</summary>
public sealed class NightIdJsonConverter : JsonConverter<NightId>
{
    public override NightId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && NightId.TryParse(reader.GetString(), out var id)
            ? id
            : throw new JsonException("A night id is a date as yyyy-MM-dd.");

    public override void Write(Utf8JsonWriter writer, NightId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
