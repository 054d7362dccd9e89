// Shim: YetAnotherHttpHandler 1.11.5 (Cysharp/YetAnotherHttpHandler,
// src/YetAnotherHttpHandler/YetAnotherHttpHandler.cs). Public signatures only.
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Cysharp.Net.Http
{
    public class YetAnotherHttpHandler : HttpMessageHandler
    {
        public bool? Http2Only { get { throw null; } set { } }
        public bool? SkipCertificateVerification { get { throw null; } set { } }
        public string RootCertificates { get { throw null; } set { } }
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) { throw null; }
    }
}
