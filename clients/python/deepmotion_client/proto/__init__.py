"""Stubs generated from proto/deepmotion/v1/motion.proto by tools/gen_proto.py; do not edit."""
