"""The TEI's gRPC stubs, generated from task-sdk's tei.proto on first use (and again whenever the
proto is newer), so that no generated code is checked in to drift from the proto."""
import importlib
import os
import sys

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTO_DIR = os.environ.get("GALE_TEI_PROTO_DIR",
                           os.path.join(os.path.dirname(PYTHON_DIR), "task-sdk", "src", "main", "proto"))
GENERATED_DIR = os.environ.get("GALE_TEI_STUBS_DIR", os.path.join(PYTHON_DIR, "build", "generated"))
PROTO = os.path.join("gale", "tei", "v1", "tei.proto")


def generate():
    """Generates tei_pb2.py and tei_pb2_grpc.py under GENERATED_DIR when missing or older than the proto."""
    source = os.path.join(PROTO_DIR, PROTO)
    target = os.path.join(GENERATED_DIR, "gale", "tei", "v1", "tei_pb2_grpc.py")
    if os.path.exists(target) and (not os.path.exists(source) or os.path.getmtime(target) >= os.path.getmtime(source)):
        return
    if not os.path.exists(source):
        raise RuntimeError(f"{source} is missing: set GALE_TEI_PROTO_DIR to the directory holding {PROTO}")
    try:
        from grpc_tools import protoc
    except ImportError as e:
        raise RuntimeError("generating the TEI stubs needs grpc_tools: apt-get install python3-grpc-tools"
                           " (or pip install grpcio-tools)") from e
    os.makedirs(GENERATED_DIR, exist_ok=True)
    code = protoc.main(["protoc", "-I", PROTO_DIR, "--python_out=" + GENERATED_DIR,
                        "--grpc_python_out=" + GENERATED_DIR, source])
    if code != 0:
        raise RuntimeError(f"protoc failed ({code}) generating the stubs of {source}")


def load():
    """(tei_pb2, tei_pb2_grpc), generated first if needed."""
    generate()
    if GENERATED_DIR not in sys.path:
        sys.path.insert(0, GENERATED_DIR)
    return (importlib.import_module("gale.tei.v1.tei_pb2"), importlib.import_module("gale.tei.v1.tei_pb2_grpc"))


if __name__ == "__main__":
    generate()
    print("TEI stubs in", GENERATED_DIR)
