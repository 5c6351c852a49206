using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace NightSafe.Functions.Tests.Doubles;

/// <summary>An HTTP request as the isolated worker would hand it to a function.</summary>
public sealed class TestHttpRequestData : HttpRequestData
{
    public TestHttpRequestData(FunctionContext context, string method, Uri url, string? body = null, string? contentType = null)
        : base(context)
    {
        Method = method;
        Url = url;
        Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? string.Empty));
        if (contentType is not null)
        {
            Headers.Add("Content-Type", contentType);
        }
    }

    public override Stream Body { get; }

    public override HttpHeadersCollection Headers { get; } = [];

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; }

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method { get; }

    public override HttpResponseData CreateResponse() => new TestHttpResponseData(FunctionContext);
}

public sealed class TestHttpResponseData(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; }

    public override HttpHeadersCollection Headers { get; set; } = [];

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies => throw new NotSupportedException();

    public string Text()
    {
        Body.Position = 0;
        using var reader = new StreamReader(Body, Encoding.UTF8, leaveOpen: true);
        return reader.ReadToEnd();
    }
}
