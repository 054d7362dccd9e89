from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RootMotion(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROOT_MOTION_UNSPECIFIED: _ClassVar[RootMotion]
    ROOT_MOTION_WORLD: _ClassVar[RootMotion]
    ROOT_MOTION_IN_PLACE: _ClassVar[RootMotion]
ROOT_MOTION_UNSPECIFIED: RootMotion
ROOT_MOTION_WORLD: RootMotion
ROOT_MOTION_IN_PLACE: RootMotion

class GenerateRequest(_message.Message):
    __slots__ = ("request_id", "text", "duration_s", "seed", "has_seed", "guidance_scale", "max_level", "output", "history", "segments")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    HAS_SEED_FIELD_NUMBER: _ClassVar[int]
    GUIDANCE_SCALE_FIELD_NUMBER: _ClassVar[int]
    MAX_LEVEL_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    text: str
    duration_s: float
    seed: int
    has_seed: bool
    guidance_scale: float
    max_level: int
    output: OutputOptions
    history: MotionFrames
    segments: _containers.RepeatedCompositeFieldContainer[Segment]
    def __init__(self, request_id: _Optional[str] = ..., text: _Optional[str] = ..., duration_s: _Optional[float] = ..., seed: _Optional[int] = ..., has_seed: _Optional[bool] = ..., guidance_scale: _Optional[float] = ..., max_level: _Optional[int] = ..., output: _Optional[_Union[OutputOptions, _Mapping]] = ..., history: _Optional[_Union[MotionFrames, _Mapping]] = ..., segments: _Optional[_Iterable[_Union[Segment, _Mapping]]] = ...) -> None: ...

class MotionFrames(_message.Message):
    __slots__ = ("frame_count", "root_positions", "local_rotations")
    FRAME_COUNT_FIELD_NUMBER: _ClassVar[int]
    ROOT_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    LOCAL_ROTATIONS_FIELD_NUMBER: _ClassVar[int]
    frame_count: int
    root_positions: _containers.RepeatedScalarFieldContainer[float]
    local_rotations: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, frame_count: _Optional[int] = ..., root_positions: _Optional[_Iterable[float]] = ..., local_rotations: _Optional[_Iterable[float]] = ...) -> None: ...

class Segment(_message.Message):
    __slots__ = ("text", "duration_s")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    text: str
    duration_s: float
    def __init__(self, text: _Optional[str] = ..., duration_s: _Optional[float] = ...) -> None: ...

class OutputOptions(_message.Message):
    __slots__ = ("joint_positions", "foot_contacts", "root_motion")
    JOINT_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    FOOT_CONTACTS_FIELD_NUMBER: _ClassVar[int]
    ROOT_MOTION_FIELD_NUMBER: _ClassVar[int]
    joint_positions: bool
    foot_contacts: bool
    root_motion: RootMotion
    def __init__(self, joint_positions: _Optional[bool] = ..., foot_contacts: _Optional[bool] = ..., root_motion: _Optional[_Union[RootMotion, str]] = ...) -> None: ...

class GenerateResponse(_message.Message):
    __slots__ = ("header", "chunk", "end")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    header: StreamHeader
    chunk: FrameChunk
    end: StreamEnd
    def __init__(self, header: _Optional[_Union[StreamHeader, _Mapping]] = ..., chunk: _Optional[_Union[FrameChunk, _Mapping]] = ..., end: _Optional[_Union[StreamEnd, _Mapping]] = ...) -> None: ...

class StreamHeader(_message.Message):
    __slots__ = ("request_id", "skeleton", "fps", "frame_count", "levels", "model_version", "seed", "duration_s", "guidance_scale", "output")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SKELETON_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    FRAME_COUNT_FIELD_NUMBER: _ClassVar[int]
    LEVELS_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    GUIDANCE_SCALE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    skeleton: Skeleton
    fps: float
    frame_count: int
    levels: _containers.RepeatedScalarFieldContainer[int]
    model_version: str
    seed: int
    duration_s: float
    guidance_scale: float
    output: OutputOptions
    def __init__(self, request_id: _Optional[str] = ..., skeleton: _Optional[_Union[Skeleton, _Mapping]] = ..., fps: _Optional[float] = ..., frame_count: _Optional[int] = ..., levels: _Optional[_Iterable[int]] = ..., model_version: _Optional[str] = ..., seed: _Optional[int] = ..., duration_s: _Optional[float] = ..., guidance_scale: _Optional[float] = ..., output: _Optional[_Union[OutputOptions, _Mapping]] = ...) -> None: ...

class Skeleton(_message.Message):
    __slots__ = ("joint_names", "parents", "rest_offsets")
    JOINT_NAMES_FIELD_NUMBER: _ClassVar[int]
    PARENTS_FIELD_NUMBER: _ClassVar[int]
    REST_OFFSETS_FIELD_NUMBER: _ClassVar[int]
    joint_names: _containers.RepeatedScalarFieldContainer[str]
    parents: _containers.RepeatedScalarFieldContainer[int]
    rest_offsets: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, joint_names: _Optional[_Iterable[str]] = ..., parents: _Optional[_Iterable[int]] = ..., rest_offsets: _Optional[_Iterable[float]] = ...) -> None: ...

class FrameChunk(_message.Message):
    __slots__ = ("level", "start_frame", "frame_count", "root_positions", "local_rotations", "joint_positions", "foot_contacts")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    START_FRAME_FIELD_NUMBER: _ClassVar[int]
    FRAME_COUNT_FIELD_NUMBER: _ClassVar[int]
    ROOT_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    LOCAL_ROTATIONS_FIELD_NUMBER: _ClassVar[int]
    JOINT_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    FOOT_CONTACTS_FIELD_NUMBER: _ClassVar[int]
    level: int
    start_frame: int
    frame_count: int
    root_positions: _containers.RepeatedScalarFieldContainer[float]
    local_rotations: _containers.RepeatedScalarFieldContainer[float]
    joint_positions: _containers.RepeatedScalarFieldContainer[float]
    foot_contacts: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, level: _Optional[int] = ..., start_frame: _Optional[int] = ..., frame_count: _Optional[int] = ..., root_positions: _Optional[_Iterable[float]] = ..., local_rotations: _Optional[_Iterable[float]] = ..., joint_positions: _Optional[_Iterable[float]] = ..., foot_contacts: _Optional[_Iterable[float]] = ...) -> None: ...

class StreamEnd(_message.Message):
    __slots__ = ("timings", "total_s")
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_S_FIELD_NUMBER: _ClassVar[int]
    timings: _containers.RepeatedCompositeFieldContainer[LevelTiming]
    total_s: float
    def __init__(self, timings: _Optional[_Iterable[_Union[LevelTiming, _Mapping]]] = ..., total_s: _Optional[float] = ...) -> None: ...

class LevelTiming(_message.Message):
    __slots__ = ("level", "first_chunk_s", "compute_s", "chunk_count")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    FIRST_CHUNK_S_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_S_FIELD_NUMBER: _ClassVar[int]
    CHUNK_COUNT_FIELD_NUMBER: _ClassVar[int]
    level: int
    first_chunk_s: float
    compute_s: float
    chunk_count: int
    def __init__(self, level: _Optional[int] = ..., first_chunk_s: _Optional[float] = ..., compute_s: _Optional[float] = ..., chunk_count: _Optional[int] = ...) -> None: ...

class GetModelInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ModelInfo(_message.Message):
    __slots__ = ("model_version", "skeleton", "fps", "levels", "limits", "text_encoder", "licence", "representation")
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    SKELETON_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    LEVELS_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    TEXT_ENCODER_FIELD_NUMBER: _ClassVar[int]
    LICENCE_FIELD_NUMBER: _ClassVar[int]
    REPRESENTATION_FIELD_NUMBER: _ClassVar[int]
    model_version: str
    skeleton: Skeleton
    fps: float
    levels: int
    limits: Limits
    text_encoder: str
    licence: str
    representation: str
    def __init__(self, model_version: _Optional[str] = ..., skeleton: _Optional[_Union[Skeleton, _Mapping]] = ..., fps: _Optional[float] = ..., levels: _Optional[int] = ..., limits: _Optional[_Union[Limits, _Mapping]] = ..., text_encoder: _Optional[str] = ..., licence: _Optional[str] = ..., representation: _Optional[str] = ...) -> None: ...

class Limits(_message.Message):
    __slots__ = ("max_text_chars", "min_duration_s", "max_duration_s", "min_guidance_scale", "max_guidance_scale", "default_guidance_scale", "max_chunk_frames", "max_queue", "max_history_frames", "min_history_frames", "history_used_s", "quaternion_tolerance", "max_segments", "max_timeline_s", "max_text_tokens")
    MAX_TEXT_CHARS_FIELD_NUMBER: _ClassVar[int]
    MIN_DURATION_S_FIELD_NUMBER: _ClassVar[int]
    MAX_DURATION_S_FIELD_NUMBER: _ClassVar[int]
    MIN_GUIDANCE_SCALE_FIELD_NUMBER: _ClassVar[int]
    MAX_GUIDANCE_SCALE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_GUIDANCE_SCALE_FIELD_NUMBER: _ClassVar[int]
    MAX_CHUNK_FRAMES_FIELD_NUMBER: _ClassVar[int]
    MAX_QUEUE_FIELD_NUMBER: _ClassVar[int]
    MAX_HISTORY_FRAMES_FIELD_NUMBER: _ClassVar[int]
    MIN_HISTORY_FRAMES_FIELD_NUMBER: _ClassVar[int]
    HISTORY_USED_S_FIELD_NUMBER: _ClassVar[int]
    QUATERNION_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    MAX_SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    MAX_TIMELINE_S_FIELD_NUMBER: _ClassVar[int]
    MAX_TEXT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    max_text_chars: int
    min_duration_s: float
    max_duration_s: float
    min_guidance_scale: float
    max_guidance_scale: float
    default_guidance_scale: float
    max_chunk_frames: int
    max_queue: int
    max_history_frames: int
    min_history_frames: int
    history_used_s: float
    quaternion_tolerance: float
    max_segments: int
    max_timeline_s: float
    max_text_tokens: int
    def __init__(self, max_text_chars: _Optional[int] = ..., min_duration_s: _Optional[float] = ..., max_duration_s: _Optional[float] = ..., min_guidance_scale: _Optional[float] = ..., max_guidance_scale: _Optional[float] = ..., default_guidance_scale: _Optional[float] = ..., max_chunk_frames: _Optional[int] = ..., max_queue: _Optional[int] = ..., max_history_frames: _Optional[int] = ..., min_history_frames: _Optional[int] = ..., history_used_s: _Optional[float] = ..., quaternion_tolerance: _Optional[float] = ..., max_segments: _Optional[int] = ..., max_timeline_s: _Optional[float] = ..., max_text_tokens: _Optional[int] = ...) -> None: ...
