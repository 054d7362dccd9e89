using System;
using DeepMotion.Bridge.Core.Wire;
using Grpc.Core;

namespace DeepMotion.Bridge.Transport
{
    /// <summary>
    /// The gRPC client of deepmotion.v1.MotionService. Messages go through the Core's own protobuf
    /// reader and writer (Marshallers.Create over byte arrays) instead of Google.Protobuf classes:
    /// one parser for live streams and recordings, and one DLL fewer for a Unity project.
    /// </summary>
    public sealed class MotionServiceClient : ClientBase<MotionServiceClient>
    {
        const string ServiceName = "deepmotion.v1.MotionService";

        static readonly Marshaller<GenerateRequestData> GenerateRequestMarshaller = Marshallers.Create<GenerateRequestData>(
            request => request.Encode(),
            bytes => { throw new NotSupportedException("a client never reads a GenerateRequest"); });
        static readonly Marshaller<StreamMessage> GenerateResponseMarshaller = Marshallers.Create<StreamMessage>(
            message => { throw new NotSupportedException("a client never writes a GenerateResponse"); },
            bytes => StreamMessage.Decode(bytes, 0, bytes.Length));
        static readonly Marshaller<byte[]> ModelInfoRequestMarshaller = Marshallers.Create<byte[]>(
            empty => GetModelInfoRequestData.Empty,
            bytes => GetModelInfoRequestData.Empty);
        static readonly Marshaller<ModelInfoData> ModelInfoMarshaller = Marshallers.Create<ModelInfoData>(
            info => { throw new NotSupportedException("a client never writes a ModelInfo"); },
            bytes => ModelInfoData.Decode(bytes, 0, bytes.Length));

        static readonly Method<GenerateRequestData, StreamMessage> GenerateMethod = new Method<GenerateRequestData, StreamMessage>(
            MethodType.ServerStreaming, ServiceName, "Generate", GenerateRequestMarshaller, GenerateResponseMarshaller);
        static readonly Method<byte[], ModelInfoData> GetModelInfoMethod = new Method<byte[], ModelInfoData>(
            MethodType.Unary, ServiceName, "GetModelInfo", ModelInfoRequestMarshaller, ModelInfoMarshaller);

        public MotionServiceClient(ChannelBase channel) : base(channel) { }

        public MotionServiceClient(CallInvoker callInvoker) : base(callInvoker) { }

        MotionServiceClient(ClientBaseConfiguration configuration) : base(configuration) { }

        protected override MotionServiceClient NewInstance(ClientBaseConfiguration configuration) =>
            new MotionServiceClient(configuration);

        public AsyncServerStreamingCall<StreamMessage> Generate(GenerateRequestData request, CallOptions options) =>
            CallInvoker.AsyncServerStreamingCall(GenerateMethod, null, options, request);

        public AsyncUnaryCall<ModelInfoData> GetModelInfoAsync(CallOptions options) =>
            CallInvoker.AsyncUnaryCall(GetModelInfoMethod, null, options, GetModelInfoRequestData.Empty);
    }
}
