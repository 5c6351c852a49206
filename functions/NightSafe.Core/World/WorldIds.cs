using System.Text.Json;
using System.Text.Json.Serialization;

namespace NightSafe.Core.World;

/// <summary>
/// A stable id from routing.json, typed by what it names so that passing a town where an agency belongs does not
/// compile. Ids convert to and from their text only at the edges (JSON, table rows, request bodies), with
/// <see cref="From"/> and <see cref="Value"/>.
/// </summary>
public interface IWorldId<TSelf>
    where TSelf : struct, IWorldId<TSelf>
{
    /// <summary>The id as routing.json spells it.</summary>
    string Value { get; }

    /// <summary>Wraps routing.json's text; throws on null or blank text.</summary>
    static abstract TSelf From(string value);
}

/// <summary>An agency's id ("street-pastors").</summary>
[JsonConverter(typeof(WorldIdJsonConverter<AgencyId>))]
public readonly record struct AgencyId : IWorldId<AgencyId>, IComparable<AgencyId>
{
    private readonly string? _value;

    public AgencyId(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    public string Value => _value ?? string.Empty;

    public static AgencyId From(string value) => new(value);

    public int CompareTo(AgencyId other) => string.CompareOrdinal(Value, other.Value);

    public static bool operator <(AgencyId left, AgencyId right) => left.CompareTo(right) < 0;

    public static bool operator >(AgencyId left, AgencyId right) => left.CompareTo(right) > 0;

    public static bool operator <=(AgencyId left, AgencyId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(AgencyId left, AgencyId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value;
}

/// <summary>A town's id ("bridgeford"); <see cref="CountyWide"/> stands for every town in an agency's list.</summary>
[JsonConverter(typeof(WorldIdJsonConverter<TownId>))]
public readonly record struct TownId : IWorldId<TownId>, IComparable<TownId>
{
    private readonly string? _value;

    public TownId(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary>The town-list entry "*": every town in the county.</summary>
    public static TownId CountyWide { get; } = new("*");

    public string Value => _value ?? string.Empty;

    public static TownId From(string value) => new(value);

    public int CompareTo(TownId other) => string.CompareOrdinal(Value, other.Value);

    public static bool operator <(TownId left, TownId right) => left.CompareTo(right) < 0;

    public static bool operator >(TownId left, TownId right) => left.CompareTo(right) > 0;

    public static bool operator <=(TownId left, TownId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(TownId left, TownId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value;
}

/// <summary>A category's id ("drink-spiking").</summary>
[JsonConverter(typeof(WorldIdJsonConverter<CategoryId>))]
public readonly record struct CategoryId : IWorldId<CategoryId>, IComparable<CategoryId>
{
    private readonly string? _value;

    public CategoryId(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    public string Value => _value ?? string.Empty;

    public static CategoryId From(string value) => new(value);

    public int CompareTo(CategoryId other) => string.CompareOrdinal(Value, other.Value);

    public static bool operator <(CategoryId left, CategoryId right) => left.CompareTo(right) < 0;

    public static bool operator >(CategoryId left, CategoryId right) => left.CompareTo(right) > 0;

    public static bool operator <=(CategoryId left, CategoryId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(CategoryId left, CategoryId right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value;
}

/// <summary>Conversions between lists of ids and their text, for the edges.</summary>
public static class WorldIds
{
    public static IReadOnlyList<string> Values<TId>(this IEnumerable<TId> ids)
        where TId : struct, IWorldId<TId>
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Select(id => id.Value).ToList();
    }

    public static IReadOnlyList<TId> As<TId>(this IEnumerable<string> values)
        where TId : struct, IWorldId<TId>
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Select(TId.From).ToList();
    }
}

/// <summary>Writes a world id as its text, as a value and as a dictionary key.</summary>
public sealed class WorldIdJsonConverter<TId> : JsonConverter<TId>
    where TId : struct, IWorldId<TId>
{
    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text)
            ? TId.From(text)
            : throw new JsonException($"A {typeof(TId).Name} is a non-empty string.");

    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }

    public override TId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { } text && !string.IsNullOrWhiteSpace(text)
            ? TId.From(text)
            : throw new JsonException($"A {typeof(TId).Name} is a non-empty string.");

    public override void WriteAsPropertyName(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value.Value);
    }
}
