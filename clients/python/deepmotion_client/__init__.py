"""DeepMotion bridge Python client: streaming API (sync and asyncio), recordings and replay, and
the torch-free motion core (skeleton, rotations, BVH, glTF, retargeting, feet).

The motion core lives in this distribution, not in the engine, because it must install and
import without torch: game pipelines and tools use it on machines with no model. The engine
builds on it (engine -> deepmotion_client, never the reverse); maths only the engine needs
(6D rotations, mirroring, the Kabsch fit of the data importer) lives in the engine.
"""
__version__ = "0.1.0"
