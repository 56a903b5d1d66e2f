"""Caffe's schema: caffe.proto (the source), its compiled descriptor, and caffe_pb2 (the
message classes)."""
