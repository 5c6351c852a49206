using System.Text;
using System.Text.Json;
using Google.Protobuf;
using NightSafe.FunctionsHost.Rpc;

namespace NightSafe.FunctionsHost.Invocations;

/// <summary>Small pure conversions between the worker's TypedData and what the host sends or stores.</summary>
internal static class TypedDataConversions
{
    public static TypedData Text(string value) => new() { String = value };

    public static TypedData Json(string json) => new() { Json = json };

    public static TypedData Json<T>(T value) => new() { Json = JsonSerializer.Serialize(value) };

    public static TypedData Bytes(ReadOnlyMemory<byte> value) => new() { Bytes = ByteString.CopyFrom(value.Span) };

    /// <summary>The body bytes of a TypedData however the worker chose to send them.</summary>
    public static byte[] ToBytes(TypedData? data) => data?.DataCase switch
    {
        TypedData.DataOneofCase.Bytes => data.Bytes.ToByteArray(),
        TypedData.DataOneofCase.Stream => data.Stream.ToByteArray(),
        TypedData.DataOneofCase.String => Encoding.UTF8.GetBytes(data.String),
        TypedData.DataOneofCase.Json => Encoding.UTF8.GetBytes(data.Json),
        TypedData.DataOneofCase.Int => Encoding.UTF8.GetBytes(data.Int.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        TypedData.DataOneofCase.Double => Encoding.UTF8.GetBytes(data.Double.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => [],
    };

    /// <summary>The queue messages an output binding's data stands for (a collection is one message per item).</summary>
    public static IReadOnlyList<BinaryData> ToMessages(TypedData? data) => data?.DataCase switch
    {
        null or TypedData.DataOneofCase.None => [],
        TypedData.DataOneofCase.CollectionString => [.. data.CollectionString.String.Select(s => BinaryData.FromString(s))],
        TypedData.DataOneofCase.CollectionBytes => [.. data.CollectionBytes.Bytes.Select(b => BinaryData.FromBytes(b.ToByteArray()))],
        TypedData.DataOneofCase.Json when IsJsonArray(data.Json) => SplitJsonArray(data.Json),
        _ => [BinaryData.FromBytes(ToBytes(data))],
    };

    private static List<BinaryData> SplitJsonArray(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => BinaryData.FromString(e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()))];
    }

    private static bool IsJsonArray(string json) => json.AsSpan().TrimStart().StartsWith("[");
}
