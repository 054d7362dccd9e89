"""DeepMotion bridge engine (torch): representation, data, models, training, evaluation and the
progressive pipeline. It never imports grpc, the server or the command line
(docs/ARCHITECTURE.md)."""
