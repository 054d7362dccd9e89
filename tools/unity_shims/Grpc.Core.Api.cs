// Shim: Grpc.Core.Api from grpc-dotnet 2.66 (grpc/grpc-dotnet, build/version.props
// GrpcDotnetVersion 2.66.0). Each type names its file under src/Grpc.Core.Api/.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Grpc.Core
{
    // MethodType.cs content lives in Method.cs
    public enum MethodType { Unary, ClientStreaming, ServerStreaming, DuplexStreaming }

    // Method.cs
    public interface IMethod
    {
        MethodType Type { get; }
        string ServiceName { get; }
        string Name { get; }
        string FullName { get; }
    }

    // Method.cs
    public class Method<TRequest, TResponse> : IMethod
    {
        public Method(MethodType type, string serviceName, string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller) { }
        public MethodType Type { get { throw null; } }
        public string ServiceName { get { throw null; } }
        public string Name { get { throw null; } }
        public Marshaller<TRequest> RequestMarshaller { get { throw null; } }
        public Marshaller<TResponse> ResponseMarshaller { get { throw null; } }
        public string FullName { get { throw null; } }
    }

    // Marshaller.cs
    public class Marshaller<T>
    {
        public Marshaller(Func<T, byte[]> serializer, Func<byte[], T> deserializer) { }
        public Func<T, byte[]> Serializer { get { throw null; } }
        public Func<byte[], T> Deserializer { get { throw null; } }
    }

    // Marshaller.cs
    public static class Marshallers
    {
        public static Marshaller<T> Create<T>(Func<T, byte[]> serializer, Func<byte[], T> deserializer) { throw null; }
    }

    // Metadata.cs
    public sealed class Metadata : IList<Metadata.Entry>
    {
        public static readonly Metadata Empty = new Metadata();
        public Metadata() { }
        public void Add(string key, string value) { }
        public void Add(string key, byte[] valueBytes) { }
        public Entry Get(string key) { throw null; }
        public string GetValue(string key) { throw null; }
        public int IndexOf(Entry item) { throw null; }
        public void Insert(int index, Entry item) { }
        public void RemoveAt(int index) { }
        public Entry this[int index] { get { throw null; } set { } }
        public void Add(Entry item) { }
        public void Clear() { }
        public bool Contains(Entry item) { throw null; }
        public void CopyTo(Entry[] array, int arrayIndex) { }
        public int Count { get { throw null; } }
        public bool IsReadOnly { get { throw null; } }
        public bool Remove(Entry item) { throw null; }
        public IEnumerator<Entry> GetEnumerator() { throw null; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() { throw null; }

        public class Entry
        {
            public Entry(string key, byte[] valueBytes) { }
            public Entry(string key, string value) { }
            public string Key { get { throw null; } }
            public string Value { get { throw null; } }
            public bool IsBinary { get { throw null; } }
        }
    }

    // CallOptions.cs (WriteOptions, ContextPropagationToken and CallCredentials parameters left out:
    // the shim keeps the first three optional parameters the package passes)
    public struct CallOptions
    {
        public CallOptions(Metadata headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default(CancellationToken)) { }
        public Metadata Headers { get { throw null; } }
        public DateTime? Deadline { get { throw null; } }
        public CancellationToken CancellationToken { get { throw null; } }
    }

    // StatusCode.cs
    public enum StatusCode
    {
        OK = 0, Cancelled = 1, Unknown = 2, InvalidArgument = 3, DeadlineExceeded = 4, NotFound = 5, AlreadyExists = 6,
        PermissionDenied = 7, Unauthenticated = 16, ResourceExhausted = 8, FailedPrecondition = 9, Aborted = 10,
        OutOfRange = 11, Unimplemented = 12, Internal = 13, Unavailable = 14, DataLoss = 15,
    }

    // Status.cs
    public struct Status
    {
        public Status(StatusCode statusCode, string detail) { }
        public StatusCode StatusCode { get { throw null; } }
        public string Detail { get { throw null; } }
    }

    // RpcException.cs
    public class RpcException : Exception
    {
        public RpcException(Status status) { }
        public RpcException(Status status, string message) { }
        public Status Status { get { throw null; } }
        public StatusCode StatusCode { get { throw null; } }
        public Metadata Trailers { get { throw null; } }
    }

    // IAsyncStreamReader.cs
    public interface IAsyncStreamReader<out T>
    {
        T Current { get; }
        Task<bool> MoveNext(CancellationToken cancellationToken);
    }

    // AsyncServerStreamingCall.cs
    public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
    {
        public IAsyncStreamReader<TResponse> ResponseStream { get { throw null; } }
        public Task<Metadata> ResponseHeadersAsync { get { throw null; } }
        public Status GetStatus() { throw null; }
        public Metadata GetTrailers() { throw null; }
        public void Dispose() { }
    }

    // AsyncUnaryCall.cs
    public sealed class AsyncUnaryCall<TResponse> : IDisposable
    {
        public Task<TResponse> ResponseAsync { get { throw null; } }
        public Task<Metadata> ResponseHeadersAsync { get { throw null; } }
        public System.Runtime.CompilerServices.TaskAwaiter<TResponse> GetAwaiter() { throw null; }
        public System.Runtime.CompilerServices.ConfiguredTaskAwaitable<TResponse> ConfigureAwait(bool continueOnCapturedContext) { throw null; }
        public Status GetStatus() { throw null; }
        public Metadata GetTrailers() { throw null; }
        public void Dispose() { }
    }

    // CallInvoker.cs
    public abstract class CallInvoker
    {
        public abstract TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options, TRequest request)
            where TRequest : class where TResponse : class;
        public abstract AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options, TRequest request)
            where TRequest : class where TResponse : class;
        public abstract AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options, TRequest request)
            where TRequest : class where TResponse : class;
    }

    // ChannelBase.cs
    public abstract class ChannelBase
    {
        protected ChannelBase(string target) { }
        public string Target { get { throw null; } }
        public abstract CallInvoker CreateCallInvoker();
        public Task ShutdownAsync() { throw null; }
    }

    // ClientBase.cs
    public abstract class ClientBase<T> : ClientBase where T : ClientBase<T>
    {
        protected ClientBase() { }
        protected ClientBase(ClientBaseConfiguration configuration) { }
        public ClientBase(ChannelBase channel) { }
        public ClientBase(CallInvoker callInvoker) { }
        public T WithHost(string host) { throw null; }
        protected abstract T NewInstance(ClientBaseConfiguration configuration);
    }

    // ClientBase.cs
    public abstract class ClientBase
    {
        protected ClientBase() { }
        protected ClientBase(ClientBaseConfiguration configuration) { }
        public ClientBase(ChannelBase channel) { }
        public ClientBase(CallInvoker callInvoker) { }
        protected CallInvoker CallInvoker { get { throw null; } }

        protected internal class ClientBaseConfiguration
        {
            internal ClientBaseConfiguration() { }
        }
    }
}
