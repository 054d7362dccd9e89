"""DeepMotion bridge engine: motion representation, data pipeline and (later) models. Never imports grpc."""
