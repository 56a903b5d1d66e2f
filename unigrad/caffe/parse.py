"""Reading and writing Caffe's files with protobuf: prototxt (text format) and the binary
messages (.caffemodel, .solverstate, .binaryproto), with errors that name the file, the line
and the field.

Net and solver readers return the upgraded (current) form, as Caffe does on every read; see
upgrade.py for what is upgraded."""
import contextlib
import os
import re
import tempfile

from google.protobuf import message as _message
from google.protobuf import text_format

from .errors import CaffeFileError
from .proto import caffe_pb2

_PACKAGE = re.compile(r"\bunigrad_caffe\.")
_LAYER_START = re.compile(r"\blayers?\s*:?\s*\{")
_NAME = re.compile(r"\bname\s*:\s*[\"']([^\"']*)[\"']")


def _enclosing_layer(text, line, column):
    """The name of the layer whose block holds (1-based) line:column of a prototxt, or None."""
    lines = text.splitlines(keepends=True)
    offset = sum(len(x) for x in lines[:line - 1]) + max(column - 1, 0)
    for start in reversed([m.end() for m in _LAYER_START.finditer(text, 0, offset)]):
        span = text[start:offset]
        if 1 + span.count("{") - span.count("}") > 0:  # that layer's block is still open here
            found = _NAME.search(text, start)
            return found.group(1) if found else None
    return None


def parse_text(text, message_type, filename="<string>"):
    """Parse prototxt `text` into a new `message_type` message; a syntax or schema error raises
    CaffeFileError naming filename:line:column, the field and the layer."""
    msg = message_type()
    try:
        text_format.Parse(text, msg)
    except text_format.ParseError as exc:
        line, column = exc.GetLine(), exc.GetColumn()
        detail = _PACKAGE.sub("", str(exc))
        detail = re.sub(r"^\d+:\d+ : ", "", detail).rstrip(".")
        where = f"{filename}:{line}:{column}" if line else filename
        layer = _enclosing_layer(text, line, column) if line else None
        in_layer = f" (in layer '{layer}')" if layer else ""
        raise CaffeFileError(f"{where}: cannot parse {message_type.DESCRIPTOR.name}{in_layer}: {detail}. "
                             f"Check the field against Caffe's schema (unigrad/caffe/proto/caffe.proto).") from None
    return msg


def read_text(path, message_type):
    """The prototxt file at `path` as a `message_type` message."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise CaffeFileError(f"{path}: no such file (a {message_type.DESCRIPTOR.name} prototxt was expected)") from None
    except UnicodeDecodeError:
        raise CaffeFileError(f"{path}: not a text file; a {message_type.DESCRIPTOR.name} prototxt was expected "
                             "(binary .caffemodel/.solverstate files are weights and states, not definitions)") from None
    except OSError as exc:
        raise CaffeFileError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_text(text, message_type, path)


def parse_binary(data, message_type, filename="<bytes>"):
    """Decode serialized `data` as a `message_type` message; a truncated or foreign file raises
    CaffeFileError."""
    msg = message_type()
    try:
        msg.ParseFromString(data)
    except (_message.DecodeError, RuntimeError, ValueError) as exc:
        raise CaffeFileError(f"{filename}: not a valid binary {message_type.DESCRIPTOR.name} ({len(data)} bytes; "
                             f"protobuf: {exc}); the file is truncated or of another kind") from None
    return msg


def read_binary(path, message_type):
    """The binary protobuf file at `path` as a `message_type` message."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise CaffeFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise CaffeFileError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_binary(data, message_type, path)


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once: os.umask can only be read by setting it


def temp_beside(path, suffix=".tmp"):
    """(fd, name) of a new temporary file in `path`'s folder with the permissions a plainly
    created file gets (mkstemp's are 0600; Caffe's snapshots are readable by others)."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + ".", suffix=suffix)
    os.fchmod(fd, 0o666 & ~_UMASK)
    return fd, tmp


@contextlib.contextmanager
def atomic_file(path, suffix=".tmp"):
    """The name of a new temporary file beside `path` to write in the block; renamed to `path`
    when the block ends, removed when it fails, so an interrupted write never leaves a
    half-written file under the final name."""
    fd, tmp = temp_beside(path, suffix)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write(path, data):
    """Write bytes or text to `path` through a temporary file in the same folder and a rename."""
    with atomic_file(path) as tmp, open(tmp, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def write_binary(path, msg):
    """Serialize `msg` to `path` (fields in ascending number order, as Caffe writes them)."""
    atomic_write(path, msg.SerializeToString())


def write_text(path, msg):
    """`msg` as prototxt at `path`."""
    atomic_write(path, text_format.MessageToString(msg))


def read_net(source):
    """A net definition (prototxt path, prototxt text or NetParameter) as an upgraded NetParameter."""
    from .upgrade import upgrade_net
    if isinstance(source, caffe_pb2.NetParameter):
        net, name = source, "<NetParameter>"
    elif isinstance(source, str) and ("\n" in source or "{" in source) and not os.path.exists(source):
        net, name = parse_text(source, caffe_pb2.NetParameter), "<prototxt text>"
    else:
        source = os.fspath(source)
        net, name = read_text(source, caffe_pb2.NetParameter), source
    return upgrade_net(net, name)


def read_solver(path):
    """A solver prototxt as an upgraded SolverParameter (deprecated fields converted, the
    snapshot prefix derived as Caffe derives it)."""
    from .upgrade import upgrade_solver
    path = os.fspath(path)
    return upgrade_solver(read_text(path, caffe_pb2.SolverParameter), path)
