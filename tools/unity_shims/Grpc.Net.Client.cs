// Shim: Grpc.Net.Client from grpc-dotnet 2.66 (grpc/grpc-dotnet, src/Grpc.Net.Client/GrpcChannel.cs
// and GrpcChannelOptions.cs).
using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;

namespace Grpc.Net.Client
{
    // GrpcChannel.cs
    public sealed partial class GrpcChannel : ChannelBase, IDisposable
    {
        GrpcChannel() : base("") { }
        public override CallInvoker CreateCallInvoker() { throw null; }
        public static GrpcChannel ForAddress(string address) { throw null; }
        public static GrpcChannel ForAddress(string address, GrpcChannelOptions channelOptions) { throw null; }
        public static GrpcChannel ForAddress(Uri address) { throw null; }
        public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions channelOptions) { throw null; }
        public Task ConnectAsync(CancellationToken cancellationToken = default(CancellationToken)) { throw null; }
        public void Dispose() { }
    }

    // GrpcChannelOptions.cs
    public sealed class GrpcChannelOptions
    {
        public GrpcChannelOptions() { }
        public int? MaxReceiveMessageSize { get { throw null; } set { } }
        public HttpClient HttpClient { get { throw null; } set { } }
        public HttpMessageHandler HttpHandler { get { throw null; } set { } }
        public bool DisposeHttpClient { get { throw null; } set { } }
    }
}
