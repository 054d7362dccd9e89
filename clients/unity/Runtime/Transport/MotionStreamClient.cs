using System;
using System.Threading;
using System.Threading.Tasks;
using Cysharp.Net.Http;
using DeepMotion.Bridge.Core;
using DeepMotion.Bridge.Core.Wire;
using DeepMotion.Bridge.V1;
using Grpc.Core;
using Grpc.Net.Client;

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
    /// Streams one prompt from a DeepMotion server over HTTP/2 (Grpc.Net.Client on Cysharp's
    /// YetAnotherHttpHandler, since Unity's own HTTP stack has no HTTP/2) and hands each response
    /// over as the Core's StreamMessage, so the rest of the package never sees gRPC types.
    /// A stream that already delivered frames is never silently restarted: a retry would
    /// produce a different motion (unless seeded) on top of the frames already shown.
    /// </summary>
    public sealed class MotionStreamClient : IDisposable
    {
        readonly GrpcChannel channel;
        readonly MotionServiceClient client;
        readonly Metadata metadata = new Metadata();
        public ReconnectPolicy Reconnect = new ReconnectPolicy();

        /// <param name="address">http://host:port (cleartext HTTP/2) or https://host:port (TLS).</param>
        /// <param name="token">Sent as "authorization: Bearer token" when the server requires it.</param>
        public MotionStreamClient(string address, string token = null)
        {
            if (string.IsNullOrWhiteSpace(address) || !Uri.TryCreate(address, UriKind.Absolute, out var uri) ||
                (uri.Scheme != "http" && uri.Scheme != "https"))
                throw new ArgumentException($"address must be http://host:port or https://host:port, got '{address}'", nameof(address));
            var handler = new YetAnotherHttpHandler { Http2Only = true };
            channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
            client = new MotionServiceClient(channel);
            if (!string.IsNullOrEmpty(token)) metadata.Add("authorization", "Bearer " + token);
        }

        public async Task<ModelInfo> GetModelInfoAsync(CancellationToken cancellation)
        {
            return await client.GetModelInfoAsync(new GetModelInfoRequest(),
                new CallOptions(metadata, DateTime.UtcNow.AddSeconds(30), cancellation)).ResponseAsync.ConfigureAwait(false);
        }

        /// <summary>
        /// Runs the stream to its end, calling onMessage (on a thread-pool thread) for every response.
        /// Cancelling the token cancels the call on the server at once. Fatal errors surface as
        /// RpcException with the server's status code and message.
        /// </summary>
        public async Task StreamAsync(GenerateRequest request, Action<StreamMessage> onMessage, CancellationToken cancellation)
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
                            onMessage(ToCore(call.ResponseStream.Current));
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

        /// <summary>Generated message -> Core message (the Core stays free of Google.Protobuf).</summary>
        public static StreamMessage ToCore(GenerateResponse r)
        {
            switch (r.PayloadCase)
            {
                case GenerateResponse.PayloadOneofCase.Header:
                    var h = r.Header;
                    var s = h.Skeleton;
                    var names = new string[s.JointNames.Count];
                    s.JointNames.CopyTo(names, 0);
                    var parents = new int[s.Parents.Count];
                    s.Parents.CopyTo(parents, 0);
                    var offsets = new System.Numerics.Vector3[names.Length];
                    for (int j = 0; j < names.Length && 3 * j + 2 < s.RestOffsets.Count; j++)
                        offsets[j] = new System.Numerics.Vector3(s.RestOffsets[3 * j], s.RestOffsets[3 * j + 1], s.RestOffsets[3 * j + 2]);
                    var levels = new int[h.Levels.Count];
                    for (int i = 0; i < levels.Length; i++) levels[i] = (int)h.Levels[i];
                    return new StreamMessage
                    {
                        Kind = StreamMessageKind.Header,
                        Header = new StreamHeaderData
                        {
                            RequestId = h.RequestId, Skeleton = new MotionSkeleton(names, parents, offsets), Fps = h.Fps,
                            FrameCount = (int)h.FrameCount, Levels = levels, ModelVersion = h.ModelVersion, Seed = h.Seed,
                            DurationS = h.DurationS, GuidanceScale = h.GuidanceScale,
                        },
                    };
                case GenerateResponse.PayloadOneofCase.Chunk:
                    var c = r.Chunk;
                    return new StreamMessage
                    {
                        Kind = StreamMessageKind.Chunk,
                        Chunk = new FrameChunkData
                        {
                            Level = (int)c.Level, StartFrame = (int)c.StartFrame, FrameCount = (int)c.FrameCount,
                            RootPositions = Copy(c.RootPositions), LocalRotations = Copy(c.LocalRotations),
                            JointPositions = Copy(c.JointPositions), FootContacts = Copy(c.FootContacts),
                        },
                    };
                case GenerateResponse.PayloadOneofCase.End:
                    var timings = new LevelTimingData[r.End.Timings.Count];
                    for (int i = 0; i < timings.Length; i++)
                    {
                        var t = r.End.Timings[i];
                        timings[i] = new LevelTimingData
                        {
                            Level = (int)t.Level, FirstChunkS = t.FirstChunkS, ComputeS = t.ComputeS, ChunkCount = (int)t.ChunkCount,
                        };
                    }
                    return new StreamMessage { Kind = StreamMessageKind.End, End = new StreamEndData { TotalS = r.End.TotalS, Timings = timings } };
                default:
                    throw new WireFormatException("GenerateResponse has no payload (header, chunk or end)");
            }
        }

        static float[] Copy(Google.Protobuf.Collections.RepeatedField<float> field)
        {
            var a = new float[field.Count];
            field.CopyTo(a, 0);
            return a;
        }

        public void Dispose() => channel.Dispose();
    }
}
