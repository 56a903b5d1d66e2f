"""Regenerate inference_pb2.py and inference_pb2_grpc.py from inference.proto.

    python unigrad/serve/kserve_grpc/generate.py

Needs grpcio-tools. The committed modules were made with grpcio-tools 1.76 (protoc 6.31), whose
generated code runs on protobuf >= 6.31 (6.x and 7.x) and grpcio >= 1.76; a newer grpcio-tools
would raise the protobuf floor of every user, so keep to the oldest that builds them. Runs from
the repository root so the generated imports are package-qualified.

The message module is then moved from protobuf's default descriptor pool to a private one: the
default pool refuses a second definition of `inference.ModelInferRequest` & co., which every
other copy of this protocol's schema (tritonclient, kserve) also registers, so without it an
application could not be a unigrad server and a Triton client at once."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def main():
    from grpc_tools import protoc
    proto = os.path.join("unigrad", "serve", "kserve_grpc", "inference.proto")
    code = protoc.main(["grpc_tools.protoc", f"-I{ROOT}", f"--python_out={ROOT}", f"--grpc_python_out={ROOT}",
                        os.path.join(ROOT, proto)])
    if code:
        sys.exit(f"protoc failed on {proto} (exit {code})")
    module = os.path.join(ROOT, "unigrad", "serve", "kserve_grpc", "inference_pb2.py")
    with open(module) as f:
        text = f.read()
    default, private = "_descriptor_pool.Default().AddSerializedFile(", "_descriptor_pool.DescriptorPool().AddSerializedFile("
    if text.count(default) != 1:
        sys.exit(f"{module}: expected one {default!r} to make the pool private; protoc's output changed")
    with open(module + ".tmp", "w") as f:
        f.write(text.replace(default, private))
    os.replace(module + ".tmp", module)


if __name__ == "__main__":
    main()
