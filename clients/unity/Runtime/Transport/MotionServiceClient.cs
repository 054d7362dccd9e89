using Grpc.Core;
using DeepMotion.Bridge.V1;

namespace DeepMotion.Bridge.Transport
{
    /// <summary>
    /// The gRPC client for deepmotion.v1.MotionService. Written by hand (neither Debian's protoc
    /// nor grpcio-tools ships grpc_csharp_plugin); it is what the plugin would generate: one
    /// Method descriptor per RPC over the generated Google.Protobuf messages.
    /// </summary>
    public sealed class MotionServiceClient : ClientBase<MotionServiceClient>
    {
        const string ServiceName = "deepmotion.v1.MotionService";

        static readonly Marshaller<GenerateRequest> GenerateRequestMarshaller =
            Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), GenerateRequest.Parser.ParseFrom);
        static readonly Marshaller<GenerateResponse> GenerateResponseMarshaller =
            Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), GenerateResponse.Parser.ParseFrom);
        static readonly Marshaller<GetModelInfoRequest> ModelInfoRequestMarshaller =
            Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), GetModelInfoRequest.Parser.ParseFrom);
        static readonly Marshaller<ModelInfo> ModelInfoMarshaller =
            Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), ModelInfo.Parser.ParseFrom);

        static readonly Method<GenerateRequest, GenerateResponse> GenerateMethod = new Method<GenerateRequest, GenerateResponse>(
            MethodType.ServerStreaming, ServiceName, "Generate", GenerateRequestMarshaller, GenerateResponseMarshaller);
        static readonly Method<GetModelInfoRequest, ModelInfo> GetModelInfoMethod = new Method<GetModelInfoRequest, ModelInfo>(
            MethodType.Unary, ServiceName, "GetModelInfo", ModelInfoRequestMarshaller, ModelInfoMarshaller);

        public MotionServiceClient(CallInvoker callInvoker) : base(callInvoker) { }

        MotionServiceClient(ClientBaseConfiguration configuration) : base(configuration) { }

        protected override MotionServiceClient NewInstance(ClientBaseConfiguration configuration) =>
            new MotionServiceClient(configuration);

        public AsyncServerStreamingCall<GenerateResponse> Generate(GenerateRequest request, CallOptions options) =>
            CallInvoker.AsyncServerStreamingCall(GenerateMethod, null, options, request);

        public AsyncUnaryCall<ModelInfo> GetModelInfoAsync(GetModelInfoRequest request, CallOptions options) =>
            CallInvoker.AsyncUnaryCall(GetModelInfoMethod, null, options, request);
    }
}
