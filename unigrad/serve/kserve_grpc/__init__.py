"""KServe v2 gRPC: the project's own `inference.proto` and the modules generated from it
(`inference_pb2.py`, `inference_pb2_grpc.py`, committed; regenerate with `generate.py`)."""
