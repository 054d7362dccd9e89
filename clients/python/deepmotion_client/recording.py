"""Stream recordings (.dmrec): a stream saved with its timing, replayable without a model.

Format, version 1 (all integers little-endian):
    magic    6 bytes  b"DMREC\\0"
    version  u16      1
    records  repeated until the end of the file:
        arrival_us  u64  microseconds from the start of the stream to this response's arrival
        length      u32  size of the payload in bytes (at most 16 MiB)
        payload     a serialized deepmotion.v1.GenerateResponse
The first record is the StreamHeader. A file that ends inside a record is truncated and is
reported as such, with the record number and byte offset; nothing after the last whole record
is guessed.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from google.protobuf.message import DecodeError

from .proto import motion_pb2 as pb
from .errors import DeepMotionError

MAGIC = b"DMREC\x00"
VERSION = 1
_HEAD = struct.Struct("<6sH")
_REC = struct.Struct("<QI")
MAX_RECORD = 16 << 20


class RecordingError(DeepMotionError, ValueError):
    """A recording that cannot be read; the message says where and why."""


@dataclass
class Recorded:
    arrival_s: float
    response: pb.GenerateResponse


def encode_record(arrival_s: float, response: pb.GenerateResponse) -> bytes:
    payload = response.SerializeToString()
    return _REC.pack(max(0, int(round(arrival_s * 1e6))), len(payload)) + payload


def file_header() -> bytes:
    return _HEAD.pack(MAGIC, VERSION)


class RecordingWriter:
    """Appends responses as they arrive; flushes each record so a crash loses at most one."""

    def __init__(self, path):
        self.path = Path(path)
        self.f = open(self.path, "wb")
        self.f.write(file_header())

    def write(self, arrival_s: float, response: pb.GenerateResponse) -> None:
        self.f.write(encode_record(arrival_s, response))
        self.f.flush()

    def close(self) -> None:
        self.f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def parse_recording(data: bytes, source: str = "<recording>") -> list[Recorded]:
    if len(data) < _HEAD.size or data[:6] != MAGIC:
        raise RecordingError(f"{source}: not a DeepMotion recording (missing the DMREC magic bytes)")
    _, version = _HEAD.unpack_from(data)
    if version != VERSION:
        raise RecordingError(f"{source}: recording format version {version}; this client reads version {VERSION}")
    out, pos, n = [], _HEAD.size, 0
    while pos < len(data):
        if pos + _REC.size > len(data):
            raise RecordingError(f"{source}: truncated: record {n} at byte {pos} has an incomplete header "
                                 f"({len(data) - pos} of {_REC.size} bytes)")
        arrival_us, length = _REC.unpack_from(data, pos)
        if length > MAX_RECORD:
            raise RecordingError(f"{source}: corrupt: record {n} at byte {pos} declares {length} bytes "
                                 f"(at most {MAX_RECORD})")
        start = pos + _REC.size
        if start + length > len(data):
            raise RecordingError(f"{source}: truncated: record {n} at byte {pos} declares {length} bytes, "
                                 f"only {len(data) - start} remain")
        msg = pb.GenerateResponse()
        try:
            msg.ParseFromString(data[start:start + length])
        except DecodeError:
            raise RecordingError(f"{source}: corrupt: record {n} at byte {pos} is not a GenerateResponse") from None
        if msg.WhichOneof("payload") is None:
            raise RecordingError(f"{source}: corrupt: record {n} at byte {pos} holds an empty response")
        if n == 0 and msg.WhichOneof("payload") != "header":
            raise RecordingError(f"{source}: corrupt: the first record is a {msg.WhichOneof('payload')}, "
                                 "not the StreamHeader")
        out.append(Recorded(arrival_us / 1e6, msg))
        pos, n = start + length, n + 1
    if not out:
        raise RecordingError(f"{source}: empty recording (no StreamHeader)")
    return out


def read_recording(path) -> list[Recorded]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise RecordingError(f"{path}: cannot read ({e.strerror})") from None
    return parse_recording(data, path.name)
