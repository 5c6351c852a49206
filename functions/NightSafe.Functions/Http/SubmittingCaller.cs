using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions.Http;

/// <summary>
/// Which submitting system is calling, for scoping what it names (its Idempotency-Keys): the function key it presented
/// (the host has checked it), never in the clear: a short SHA-256 of it. Two systems that pick the same key never meet.
/// </summary>
public static class SubmittingCaller
{
    public const string KeyHeader = "x-functions-key";

    public static string Scope(HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = request.Headers.TryGetValues(KeyHeader, out var values) ? values.FirstOrDefault() : null;
        if (string.IsNullOrEmpty(key))
        {
            key = request.Query["code"];
        }

        return string.IsNullOrEmpty(key)
            ? "keyless"
            : "key-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
    }
}
