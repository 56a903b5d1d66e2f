"""Rebuild descriptor_set.py from caffe.proto (a developer's tool; needs grpcio-tools).

    python -m unigrad.caffe.proto.regenerate [--check]

protoc turns the schema into a serialized FileDescriptorProto, which descriptor_set.py holds as
bytes. Shipping the descriptor instead of protoc's generated caffe_pb2.py keeps the runtime free
of the version pin generated code carries. `--check` exits 1 when the file is out of date.
"""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "descriptor_set.py")


def compiled_descriptor():
    """caffe.proto compiled by protoc: the FileDescriptorProto's bytes."""
    from google.protobuf import descriptor_pb2
    from grpc_tools import protoc
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "caffe.desc")
        if protoc.main(["protoc", f"-I{HERE}", f"--descriptor_set_out={out}", "caffe.proto"]) != 0:
            raise SystemExit("protoc failed on caffe.proto")
        with open(out, "rb") as f:
            files = descriptor_pb2.FileDescriptorSet.FromString(f.read()).file
    return files[0].SerializeToString()


def render(data):
    lines = ['"""caffe.proto compiled by protoc (`python -m unigrad.caffe.proto.regenerate`): do not edit."""',
             "SERIALIZED = ("]
    for i in range(0, len(data), 96):
        lines.append(f"    {data[i:i + 96]!r}")
    lines.append(")")
    return "\n".join(lines) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    text = render(compiled_descriptor())
    if "--check" in argv:
        with open(TARGET) as f:
            return 0 if f.read() == text else 1
    fd, tmp = tempfile.mkstemp(dir=HERE, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
