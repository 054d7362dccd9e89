using System.Collections.Concurrent;
using System.Threading;
using DeepMotion.Bridge.Core.Wire;

namespace DeepMotion.Bridge.Core
{
    /// <summary>
    /// Hands messages from network or replay threads to the main thread, one stream at a time.
    ///
    /// Why generations: cancelling a stream does not stop messages already in flight (a gRPC
    /// read that completes after the cancel, a replay task between its check and its post), so
    /// without them a late chunk of the old prompt would land in the new prompt's buffer. Every
    /// Begin() opens a new generation; posts tagged with an older one are dropped on the way in
    /// and again on the way out, which closes the race between a post and a Begin().
    /// </summary>
    public sealed class StreamInbox
    {
        struct Envelope
        {
            public int Generation;
            public StreamMessage Message;
            public string Failure;
        }

        readonly ConcurrentQueue<Envelope> queue = new ConcurrentQueue<Envelope>();
        int generation;

        /// <summary>The stream whose messages are accepted now.</summary>
        public int Generation => Volatile.Read(ref generation);

        /// <summary>Opens a new stream; everything of earlier streams is dropped from now on.</summary>
        public int Begin()
        {
            int g = Interlocked.Increment(ref generation);
            while (queue.TryDequeue(out _)) { }
            return g;
        }

        /// <summary>Closes the current stream without opening another (Stop, Release, disable).</summary>
        public void Close() => Begin();

        /// <summary>Thread-safe. Returns false (and drops the message) when the stream is no longer current.</summary>
        public bool Post(int streamGeneration, StreamMessage message)
        {
            if (streamGeneration != Generation) return false;
            queue.Enqueue(new Envelope { Generation = streamGeneration, Message = message });
            return true;
        }

        /// <summary>Thread-safe: the stream failed; the reason reaches the main thread in order with its messages.</summary>
        public bool Fail(int streamGeneration, string reason)
        {
            if (streamGeneration != Generation) return false;
            queue.Enqueue(new Envelope { Generation = streamGeneration, Failure = reason ?? "stream failed" });
            return true;
        }

        /// <summary>Main thread: the next message or failure of the current stream (exactly one is set).</summary>
        public bool TryTake(out StreamMessage message, out string failure)
        {
            while (queue.TryDequeue(out var e))
            {
                if (e.Generation != Generation) continue;
                message = e.Message;
                failure = e.Failure;
                return true;
            }
            message = null;
            failure = null;
            return false;
        }
    }
}
