using System;
using System.Threading;
using System.Threading.Tasks;
using DeepMotion.Bridge.Core.Wire;
using Grpc.Core;

namespace DeepMotion.Bridge.Transport
{
    /// <summary>When and how often to retry a stream that could not start.</summary>
    [Serializable]
    public sealed class ReconnectPolicy
    {
        /// <summary>Retries after the first attempt; only while no response has arrived yet.</summary>
        public int MaxRetries = 3;
        public float InitialBackoffSeconds = 0.5f;
        public float MaxBackoffSeconds = 5f;
    }

    /// <summary>
    /// Streams prompts from a DeepMotion server over the shared channel of its address
    /// (Grpc.Net.Client on Cysharp's YetAnotherHttpHandler: Unity's own HTTP stack has no HTTP/2)
    /// and hands each response over as the Core's StreamMessage. A stream that already delivered
    /// frames is never silently restarted: a retry would put another motion (unless seeded) on
    /// top of the frames already shown.
    /// </summary>
    public sealed class MotionStreamClient
    {
        readonly MotionServiceClient client;
        readonly Metadata metadata = new Metadata();
        public ReconnectPolicy Reconnect = new ReconnectPolicy();

        /// <param name="address">http://host:port (cleartext HTTP/2) or https://host:port (TLS).</param>
        /// <param name="token">Sent as "authorization: Bearer token" when the server requires one.</param>
        public MotionStreamClient(string address, string token = null)
        {
            client = GrpcChannels.For(address);
            if (!string.IsNullOrEmpty(token)) metadata.Add("authorization", "Bearer " + token.Trim());
        }

        public async Task<ModelInfoData> GetModelInfoAsync(CancellationToken cancellation)
        {
            using (var call = client.GetModelInfoAsync(new CallOptions(metadata, DateTime.UtcNow.AddSeconds(30), cancellation)))
                return await call.ResponseAsync.ConfigureAwait(false);
        }

        /// <summary>
        /// Runs the stream to its end, calling onMessage (on a thread-pool thread) for every response.
        /// Cancelling the token cancels the call on the server at once. Fatal errors surface as
        /// RpcException with the server's status code and message.
        /// </summary>
        public async Task StreamAsync(GenerateRequestData request, Action<StreamMessage> onMessage, CancellationToken cancellation)
        {
            float backoff = Reconnect.InitialBackoffSeconds;
            for (int attempt = 0; ; attempt++)
            {
                bool received = false;
                try
                {
                    using (var call = client.Generate(request, new CallOptions(metadata, null, cancellation)))
                    {
                        while (await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
                        {
                            received = true;
                            onMessage(call.ResponseStream.Current);
                        }
                    }
                    return;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && !received &&
                                             attempt < Reconnect.MaxRetries && !cancellation.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(backoff), cancellation).ConfigureAwait(false);
                    backoff = Math.Min(Reconnect.MaxBackoffSeconds, backoff * 2f);
                }
            }
        }
    }
}
