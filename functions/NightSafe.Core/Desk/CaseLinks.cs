using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.World;

namespace NightSafe.Core.Desk;

/// <summary>What a case link names: one agency's case of one night, valid until that night ends.</summary>
public sealed record CaseLink(NightId Night, ReferenceCode Reference, AgencyId AgencyId, DateTimeOffset ExpiresAt);

/// <summary>Why a case link was refused.</summary>
public enum CaseLinkRefusal
{
    None,
    Malformed,
    BadSignature,
    Expired,
}

/// <summary>
/// Short signed links to one case, for the case alert SMS: 28 URL-safe characters holding the night, the agency (its
/// position in routing.json) and the reference, with a 96-bit HMAC-SHA256 tag over the night, reference and agency
/// id. Reordering routing.json cannot send a link to another agency: the tag is over the id, not the position.
/// A link expires when its night ends.
/// </summary>
public sealed class CaseLinks
{
    private const int TagBytes = 12;
    private const int PayloadBytes = 2 + 1 + ReferenceCode.Length;
    private static readonly DateOnly Epoch = new(2020, 1, 1);

    private readonly byte[] _key;
    private readonly RoutingWorld _world;
    private readonly TimeProvider _time;

    public CaseLinks(ReadOnlySpan<byte> signingKey, RoutingWorld world, TimeProvider time)
    {
        if (signingKey.Length < 32)
        {
            throw new ArgumentException("A case-link signing key has at least 32 bytes.", nameof(signingKey));
        }

        // A key of its own, derived from the pages' key, so a link can never pass as any other signed value.
        _key = HMACSHA256.HashData(signingKey, "nightsafe case link v1"u8);
        _world = world;
        _time = time;
    }

    /// <summary>The token for an agency's case (the path segment after <c>/api/c/</c>).</summary>
    public string Create(NightId night, ReferenceCode reference, AgencyId agencyId)
    {
        var index = IndexOf(agencyId);
        if (index < 0)
        {
            throw new ArgumentException($"No agency {agencyId} in routing.json.", nameof(agencyId));
        }

        Span<byte> token = stackalloc byte[PayloadBytes + TagBytes];
        BinaryPrimitives.WriteUInt16BigEndian(token, checked((ushort)(night.Date.DayNumber - Epoch.DayNumber)));
        token[2] = checked((byte)index);
        Encoding.ASCII.GetBytes(reference.ToString(), token[3..PayloadBytes]);
        Tag(night, reference, agencyId).AsSpan(0, TagBytes).CopyTo(token[PayloadBytes..]);
        return Base64Url(token);
    }

    /// <summary>Reads and checks a token: signature first, then expiry. Whether the case is still open is the caller's check.</summary>
    public CaseLinkRefusal TryRead(string? token, out CaseLink? link)
    {
        link = null;
        if (token is null || token.Length != 28 || !TryFromBase64Url(token, out var bytes) || bytes.Length != PayloadBytes + TagBytes)
        {
            return CaseLinkRefusal.Malformed;
        }

        var night = new NightId(Epoch.AddDays(BinaryPrimitives.ReadUInt16BigEndian(bytes)));
        var index = bytes[2];
        if (index >= _world.Agencies.Count || !ReferenceCode.TryParse(Encoding.ASCII.GetString(bytes, 3, ReferenceCode.Length), out var reference))
        {
            return CaseLinkRefusal.Malformed;
        }

        var agencyId = _world.Agencies[index].Id;
        if (reference.ToString() != Encoding.ASCII.GetString(bytes, 3, ReferenceCode.Length)
            || !CryptographicOperations.FixedTimeEquals(Tag(night, reference, agencyId).AsSpan(0, TagBytes), bytes.AsSpan(PayloadBytes)))
        {
            return CaseLinkRefusal.BadSignature;
        }

        var expires = night.End(_world);
        if (_time.GetUtcNow() >= expires)
        {
            return CaseLinkRefusal.Expired;
        }

        link = new CaseLink(night, reference, agencyId, expires);
        return CaseLinkRefusal.None;
    }

    private byte[] Tag(NightId night, ReferenceCode reference, AgencyId agencyId) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{night}|{reference}|{agencyId}"));

    private int IndexOf(AgencyId agencyId)
    {
        for (var i = 0; i < _world.Agencies.Count; i++)
        {
            if (_world.Agencies[i].Id == agencyId)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        bytes = new byte[padded.Length];
        if (Convert.TryFromBase64String(padded, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
