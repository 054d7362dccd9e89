"""The wire contract: committed stubs match the .proto, and the contract has what docs/ARCHITECTURE.md lists."""
import subprocess
import sys

from conftest import ROOT
from deepmotion_client.proto import motion_pb2, motion_pb2_grpc


def test_generated_stubs_are_not_stale():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_proto.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_service_has_both_rpcs_and_generate_streams():
    service = motion_pb2.DESCRIPTOR.services_by_name["MotionService"]
    methods = {m.name: m for m in service.methods}
    assert set(methods) == {"Generate", "GetModelInfo"}
    assert methods["Generate"].output_type.name == "GenerateResponse"
    assert hasattr(motion_pb2_grpc, "MotionServiceStub") and hasattr(motion_pb2_grpc, "add_MotionServiceServicer_to_server")


def test_response_is_a_oneof_of_header_chunk_end():
    oneof = motion_pb2.GenerateResponse.DESCRIPTOR.oneofs_by_name["payload"]
    assert [f.name for f in oneof.fields] == ["header", "chunk", "end"]


def test_chunk_round_trips_packed_floats():
    chunk = motion_pb2.FrameChunk(level=2, start_frame=10, frame_count=2, root_positions=[0.0, 0.9, 0.1] * 2,
                                  local_rotations=[0.0, 0.0, 0.0, 1.0] * 44)
    msg = motion_pb2.GenerateResponse(chunk=chunk)
    back = motion_pb2.GenerateResponse.FromString(msg.SerializeToString())
    assert back.WhichOneof("payload") == "chunk"
    assert back.chunk.level == 2 and len(back.chunk.local_rotations) == 176
    # 20 frames of a 22-joint skeleton with positions stay far below 1 MB
    big = motion_pb2.FrameChunk(frame_count=20, root_positions=[0.5] * 60, local_rotations=[0.5] * 1760,
                                joint_positions=[0.5] * 1320, foot_contacts=[1.0] * 80)
    assert big.ByteSize() < 20_000


def test_request_fields_of_the_design_exist():
    fields = set(motion_pb2.GenerateRequest.DESCRIPTOR.fields_by_name)
    assert {"request_id", "text", "duration_s", "seed", "guidance_scale", "max_level", "output"} <= fields
    header = set(motion_pb2.StreamHeader.DESCRIPTOR.fields_by_name)
    assert {"skeleton", "fps", "frame_count", "levels", "model_version"} <= header
