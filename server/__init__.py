"""DeepMotion bridge server: the gRPC service and the `deepmotion` command line."""
