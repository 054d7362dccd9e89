"""A real MotionServer on a free loopback port, on its own event loop thread, for tests."""
import asyncio
import threading

import grpc

from deepmotion.server.app import MotionServer, ServerConfig
from deepmotion_client.proto import motion_pb2_grpc as pb_grpc


class Running:
    """A MotionServer on its own event loop thread, bound to a free loopback port."""

    def __init__(self, load, **kwargs):
        self.loop = asyncio.new_event_loop()
        self.server = MotionServer(load, ServerConfig(host="127.0.0.1", port=0, **kwargs))
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.port = asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(60)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = pb_grpc.MotionServiceStub(self.channel)

    def stop(self):
        self.channel.close()
        asyncio.run_coroutine_threadsafe(self.server.drain(), self.loop).result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
