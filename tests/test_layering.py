"""The package's imports point down the layers (DESIGN.md): errors < backend < core < ops <
autograd < graph < nn, optim, data, io < front ends (compat). Every import statement counts,
also those inside functions."""
import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "unigrad"

# a module may import its own layer and the layers below it
LAYERS = {
    "errors": 0, "_allocator": 0, "_float_warnings": 0,
    "backend": 1,
    "cuda": 2, "accelerator": 2,
    "core": 2,
    "ops": 3, "linalg": 3,
    "autograd": 4, "io": 4, "data": 4,
    "graph": 5,
    "nn": 6, "optim": 6, "utils": 6,
    "compat": 7, "caffe": 7, "onnx": 7, "distributed": 7,
    "serve": 8, "cli": 8, "convert": 8,
    "__init__": 8,
}


def _layer_of(parts):
    """The layer of a module given as its path parts inside the package."""
    return LAYERS[parts[0].removesuffix(".py")]


def _imports(path):
    """(line, imported module's parts inside unigrad) for every import in the file."""
    tree = ast.parse(path.read_text(), str(path))
    here = path.relative_to(PACKAGE).with_suffix("").parts
    package = here[:-1] if path.name != "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package)[:len(package) - node.level + 1]
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "unigrad":
                target = node.module.split(".")[1:]
            else:
                continue
            if target:
                yield node.lineno, target
            else:  # `from . import x` at the top of the package: a module, or a name of unigrad itself
                for alias in node.names:
                    yield node.lineno, [alias.name if alias.name in LAYERS else "__init__"]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "unigrad" and len(alias.name.split(".")) > 1:
                    yield node.lineno, alias.name.split(".")[1:]


def test_every_top_level_module_has_a_layer():
    names = {p.name.removesuffix(".py") for p in PACKAGE.iterdir()
             if p.suffix == ".py" or (p / "__init__.py").exists()}
    missing = names - set(LAYERS)
    assert not missing, f"give these a layer in LAYERS: {sorted(missing)}"


def test_no_import_points_up_the_layers():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        own = _layer_of(parts) if len(parts) > 1 else LAYERS[path.stem]
        for line, target in _imports(path):
            if _layer_of(target) > own:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports unigrad.{'.'.join(target)}")
    assert not upward, "imports pointing up the layering:\n" + "\n".join(upward)


@pytest.mark.parametrize("low,high", [("ops", "autograd"), ("autograd", "graph"), ("backend", "core"),
                                      ("core", "ops"), ("ops", "graph"), ("graph", "nn")])
def test_the_named_boundaries_hold(low, high):
    """The boundaries the registry issue named, checked one by one for a readable failure."""
    offenders = [f"{path.relative_to(PACKAGE)}:{line}" for path in sorted((PACKAGE / low).rglob("*.py"))
                 for line, target in _imports(path) if target[0] == high]
    assert not offenders, f"{low} imports {high} at {offenders}"
