"""DeepMotion bridge server: the grpc.aio MotionService over the engine (app, service, scheduler,
wire mapping, frame packing). The command line that starts it is deepmotion.cli."""
