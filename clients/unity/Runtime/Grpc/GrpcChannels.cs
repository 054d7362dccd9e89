using System;
using System.Collections.Generic;
using Cysharp.Net.Http;
using Grpc.Net.Client;
using UnityEngine;

namespace DeepMotion.Bridge.Transport
{
    /// <summary>
    /// One HTTP/2 channel per server address, shared by every NPC and every prompt: a channel per
    /// prompt would pay a TCP (and TLS) handshake before each first frame. Channels close when
    /// the application (or play mode) quits.
    /// </summary>
    public static class GrpcChannels
    {
        sealed class Entry
        {
            public GrpcChannel Channel;
            public MotionServiceClient Client;
        }

        static readonly Dictionary<string, Entry> channels = new Dictionary<string, Entry>();
        static bool hooked;

        /// <summary>The shared client for `address` (http://host:port or https://host:port).</summary>
        public static MotionServiceClient For(string address)
        {
            var uri = ParseAddress(address);
            string key = uri.GetLeftPart(UriPartial.Authority);
            lock (channels)
            {
                if (!channels.TryGetValue(key, out var entry))
                {
                    var handler = new YetAnotherHttpHandler { Http2Only = true };
                    var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
                    entry = new Entry { Channel = channel, Client = new MotionServiceClient(channel) };
                    channels[key] = entry;
                    if (!hooked)
                    {
                        hooked = true;
                        Application.quitting += CloseAll;
                    }
                }
                return entry.Client;
            }
        }

        /// <summary>Number of open channels (one per address in use).</summary>
        public static int Count
        {
            get { lock (channels) return channels.Count; }
        }

        /// <summary>Closes every channel; the next For() opens a new one.</summary>
        public static void CloseAll()
        {
            lock (channels)
            {
                foreach (var entry in channels.Values) entry.Channel.Dispose();
                channels.Clear();
            }
        }

        /// <summary>Throws ArgumentException naming the field and the form it must have.</summary>
        public static Uri ParseAddress(string address)
        {
            if (string.IsNullOrWhiteSpace(address) || !Uri.TryCreate(address.Trim(), UriKind.Absolute, out var uri) ||
                (uri.Scheme != "http" && uri.Scheme != "https") || string.IsNullOrEmpty(uri.Host))
                throw new ArgumentException($"address must be http://host:port (cleartext HTTP/2) or https://host:port (TLS), got '{address}'",
                                            nameof(address));
            return uri;
        }
    }
}
