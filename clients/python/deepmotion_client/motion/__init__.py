"""Motion I/O shared by every client and by the engine: skeletons, rotations, BVH."""
from .bvh import BVHData, BVHError, parse_bvh, read_bvh, write_bvh
from .clip import Motion
from .skeleton import CANONICAL_NAMES, CANONICAL_PARENTS, Skeleton, canonical_skeleton

__all__ = ["BVHData", "BVHError", "parse_bvh", "read_bvh", "write_bvh", "Motion", "Skeleton",
           "canonical_skeleton", "CANONICAL_NAMES", "CANONICAL_PARENTS"]
