"""A model's serving configuration: `MODEL_DIR/<name>/config.toml` or `config.json`.

Every key is optional; the file mirrors Triton's and TF Serving's knobs under one spelling:

    max_batch_size = 32             # largest batch one run takes; 0: requests are never merged
    allowed_batch_sizes = [1, 2, 4, 8, 16, 32]   # batches are padded up to one of these (bounds the plans)
    device = "cpu"                  # or "cuda", "cuda:1"
    warmup = true                   # run every allowed batch size once before the version is ready
    platform = "unigrad_graph"      # normally detected from the files; model_file picks one file
    [dynamic_batching]              # or: dynamic_batching = false
    max_queue_delay_us = 0          # how long a partial batch may wait for more requests
    preferred_batch_sizes = [8, 16] # run at once when the queue holds one of these
    max_queue_size = 1024           # requests waiting beyond this are refused (503)
    [version_policy]                # one of: latest = N, all = true, specific = [1, 3]
    latest = 1
    [version_labels]                # /v1/models/<name>/labels/stable
    stable = 1
    [[inputs]]                      # by position: rename, declare image preprocessing
    name = "image"
    image = { channels = 1, height = 28, width = 28, scale = 0.00392156862745098, mean = 0.1307, std = 0.3081 }
    [[outputs]]
    name = "logits"
    labels = ["zero", "one"]        # class names for classify and the web page
"""
import dataclasses
import difflib
import json
import os
import tomllib

from .errors import ConfigError

CONFIG_NAMES = ("config.toml", "config.json")
DEFAULT_MAX_BATCH_SIZE = 32


@dataclasses.dataclass
class ImagePreprocess:
    """How an image (a {"b64": ...} PNG/JPEG value, or the web page's canvas) becomes the input:
    value = (pixel * scale - mean) / std, pixels 0..255 in `channels` channels (1: grey, 3: RGB)."""
    channels: int = 1
    height: int = 28
    width: int = 28
    scale: float = 1 / 255
    mean: float = 0.0
    std: float = 1.0


@dataclasses.dataclass
class TensorConfig:
    """Overrides for one input or output, matched to the model's by position."""
    name: str = None
    image: ImagePreprocess = None
    labels: list = None


@dataclasses.dataclass
class ModelConfig:
    """One model's settings (see the module docstring for the file format)."""
    max_batch_size: int = None            # None: DEFAULT_MAX_BATCH_SIZE when the model can batch, else 0
    allowed_batch_sizes: list = None      # None: powers of two up to max_batch_size, and it
    dynamic_batching: bool = True
    max_queue_delay_us: int = 0
    preferred_batch_sizes: list = dataclasses.field(default_factory=list)
    max_queue_size: int = 1024
    version_policy: tuple = ("latest", 1)  # ("latest", n) | ("all",) | ("specific", [v, ...])
    version_labels: dict = dataclasses.field(default_factory=dict)
    device: str = "cpu"
    warmup: bool = True
    platform: str = None
    model_file: str = None
    inputs: list = dataclasses.field(default_factory=list)
    outputs: list = dataclasses.field(default_factory=list)
    source: str = None                    # the file it came from, for messages

    def batch_sizes(self, max_batch_size):
        """The sizes batches are padded to, ascending, ending at max_batch_size."""
        if self.allowed_batch_sizes is not None:
            return sorted(self.allowed_batch_sizes)
        sizes, size = [], 1
        while size < max_batch_size:
            sizes.append(size)
            size *= 2
        return sizes + [max_batch_size]


_TOP = {"max_batch_size", "allowed_batch_sizes", "dynamic_batching", "version_policy", "version_labels", "device",
        "warmup", "platform", "model_file", "inputs", "outputs"}
_BATCHING = {"max_queue_delay_us", "preferred_batch_sizes", "max_queue_size"}
_POLICY = {"latest", "all", "specific"}
_TENSOR = {"name", "image", "labels"}
_IMAGE = {f.name for f in dataclasses.fields(ImagePreprocess)}


def find_config(model_dir):
    """The config file of a model folder, or None; both kinds present is an error."""
    found = [os.path.join(model_dir, n) for n in CONFIG_NAMES if os.path.isfile(os.path.join(model_dir, n))]
    if len(found) > 1:
        raise ConfigError(f"{model_dir}: has both config.toml and config.json; keep one")
    return found[0] if found else None


def load_config(model_dir):
    """The ModelConfig of a model folder (defaults when it has no config file)."""
    path = find_config(model_dir)
    if path is None:
        return ModelConfig()
    try:
        with open(path, "rb") as f:
            raw = f.read()
        doc = tomllib.loads(raw.decode("utf-8")) if path.endswith(".toml") else json.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    return parse_config(doc, path)


def parse_config(doc, source="<config>"):
    """A ModelConfig from a parsed TOML/JSON document; wrong keys and values name `source` and the key."""
    _table(doc, "", source)
    _keys(doc, _TOP, "", source)
    cfg = ModelConfig(source=source)
    if "max_batch_size" in doc:
        cfg.max_batch_size = _int(doc["max_batch_size"], "max_batch_size", source, low=0)
    if "allowed_batch_sizes" in doc:
        cfg.allowed_batch_sizes = _int_list(doc["allowed_batch_sizes"], "allowed_batch_sizes", source)
    batching = doc.get("dynamic_batching", True)
    if isinstance(batching, bool):
        cfg.dynamic_batching = batching
    else:
        _table(batching, "dynamic_batching", source)
        _keys(batching, _BATCHING, "dynamic_batching.", source)
        cfg.max_queue_delay_us = _int(batching.get("max_queue_delay_us", 0), "dynamic_batching.max_queue_delay_us",
                                      source, low=0)
        cfg.preferred_batch_sizes = _int_list(batching.get("preferred_batch_sizes", []),
                                              "dynamic_batching.preferred_batch_sizes", source)
        cfg.max_queue_size = _int(batching.get("max_queue_size", 1024), "dynamic_batching.max_queue_size", source,
                                  low=1)
    if "version_policy" in doc:
        cfg.version_policy = _policy(doc["version_policy"], source)
    if "version_labels" in doc:
        labels = doc["version_labels"]
        _table(labels, "version_labels", source)
        cfg.version_labels = {str(k): _int(v, f"version_labels.{k}", source, low=1) for k, v in labels.items()}
    for key in ("device", "platform", "model_file"):
        if key in doc:
            if not isinstance(doc[key], str) or not doc[key]:
                raise ConfigError(f"{source}: {key} must be a non-empty string, got {doc[key]!r}")
            setattr(cfg, key, doc[key])
    if "warmup" in doc:
        if not isinstance(doc["warmup"], bool):
            raise ConfigError(f"{source}: warmup must be true or false, got {doc['warmup']!r}")
        cfg.warmup = doc["warmup"]
    cfg.inputs = _tensors(doc.get("inputs", []), "inputs", source)
    cfg.outputs = _tensors(doc.get("outputs", []), "outputs", source)
    _check_batch_sizes(cfg, source)
    return cfg


def _check_batch_sizes(cfg, source):
    top = cfg.max_batch_size
    if cfg.allowed_batch_sizes is not None and top is not None and cfg.allowed_batch_sizes \
            and max(cfg.allowed_batch_sizes) != top:
        raise ConfigError(f"{source}: the largest of allowed_batch_sizes {cfg.allowed_batch_sizes} must be "
                          f"max_batch_size ({top})")
    if top is not None:
        over = [s for s in cfg.preferred_batch_sizes if s > top]
        if over:
            raise ConfigError(f"{source}: dynamic_batching.preferred_batch_sizes {over} exceed max_batch_size ({top})")


def _policy(value, source):
    _table(value, "version_policy", source)
    _keys(value, _POLICY, "version_policy.", source)
    if len(value) != 1:
        raise ConfigError(f"{source}: version_policy takes exactly one of latest = N, all = true, specific = [...]; "
                          f"got {sorted(value)}")
    (kind, arg), = value.items()
    if kind == "latest":
        return ("latest", _int(arg, "version_policy.latest", source, low=1))
    if kind == "all":
        if arg is not True:
            raise ConfigError(f"{source}: version_policy.all must be true, got {arg!r}")
        return ("all",)
    return ("specific", _int_list(arg, "version_policy.specific", source))


def _tensors(value, key, source):
    if not isinstance(value, list):
        raise ConfigError(f"{source}: {key} must be a list of tables ([[{key}]]), got {type(value).__name__}")
    out = []
    for i, entry in enumerate(value):
        where = f"{key}[{i}]"
        _table(entry, where, source)
        _keys(entry, _TENSOR, where + ".", source)
        t = TensorConfig()
        if "name" in entry:
            if not isinstance(entry["name"], str) or not entry["name"]:
                raise ConfigError(f"{source}: {where}.name must be a non-empty string, got {entry['name']!r}")
            t.name = entry["name"]
        if "image" in entry:
            image = entry["image"]
            _table(image, where + ".image", source)
            _keys(image, _IMAGE, where + ".image.", source)
            t.image = ImagePreprocess()
            for k in ("channels", "height", "width"):
                if k in image:
                    setattr(t.image, k, _int(image[k], f"{where}.image.{k}", source, low=1))
            if t.image.channels not in (1, 3):
                raise ConfigError(f"{source}: {where}.image.channels must be 1 (grey) or 3 (RGB), "
                                  f"got {t.image.channels}")
            for k in ("scale", "mean", "std"):
                if k in image:
                    v = image[k]
                    if isinstance(v, bool) or not isinstance(v, (int, float)) or (k == "std" and v == 0):
                        raise ConfigError(f"{source}: {where}.image.{k} must be a number"
                                          f"{' other than 0' if k == 'std' else ''}, got {v!r}")
                    setattr(t.image, k, float(v))
        if "labels" in entry:
            labels = entry["labels"]
            if not isinstance(labels, list) or not all(isinstance(s, str) for s in labels):
                raise ConfigError(f"{source}: {where}.labels must be a list of strings")
            t.labels = labels
        out.append(t)
    return out


def _table(value, key, source):
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {key or 'the file'} must be a table/object, got {type(value).__name__}")


def _keys(table, known, prefix, source):
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {prefix}{close[0]}?" if close else f"; known keys: {', '.join(sorted(known))}"
            raise ConfigError(f"{source}: unknown key {prefix}{key}{hint}")


def _int(value, key, source, low=0):
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{source}: {key} must be an integer >= {low}, got {value!r}")
    return value


def _int_list(value, key, source):
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1
                                              for v in value):
        raise ConfigError(f"{source}: {key} must be a list of positive integers, got {value!r}")
    return list(value)
