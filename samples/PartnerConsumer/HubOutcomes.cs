using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace PartnerConsumer;

/// <summary>NightSafe's partner API: POST /api/partners/{agency}/cases/{night}/{reference}/outcome with your own key.</summary>
public sealed class HubOutcomes(HttpClient http, IOptions<ConsumerOptions> options)
{
    public async Task<HttpStatusCode> ReportAsync(string night, string reference, string outcome, string? note, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var baseUrl = o.HubUrl!.AbsoluteUri.EndsWith('/') ? o.HubUrl : new Uri(o.HubUrl.AbsoluteUri + "/");
        using var request = new HttpRequestMessage(
            HttpMethod.Post,
            new Uri(baseUrl, $"api/partners/{Uri.EscapeDataString(o.Agency)}/cases/{Uri.EscapeDataString(night)}/{Uri.EscapeDataString(reference)}/outcome"))
        {
            Content = JsonContent.Create(new { outcome, note }),
        };
        request.Headers.Add("X-Partner-Key", o.PartnerKey);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }
}
