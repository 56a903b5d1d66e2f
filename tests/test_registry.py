"""The registry is the one per-op record: no table keyed by op names outside unigrad/ops/, no
string ops in graphs, every name users call bound from exactly one op's variants."""
import ast
import pathlib
import re

import pytest

import unigrad as ug
from unigrad.ops import REGISTRY
from unigrad.ops.bindings import FUNCTIONAL, OWNERS
from unigrad.ops.registry import OpDef, Variants, register

PACKAGE = pathlib.Path(ug.__file__).resolve().parent

# the side tables the registry issue found, and the modules that held them
GONE = ["INPLACE_UFUNCS", "COMMUTATIVE", "FRESH_RESULTS", "TEMPLATES", "_VIEW_INVERSES", "OPERATORS", "METHODS",
        "EXTRA", "INPLACE", "DIRECT", "_random_kernel", "record_random", "record_constant"]
GONE_MODULES = ["tensor_methods.py", "compat/v1/static_shapes.py", "ops/creation.py"]


def _source_outside_ops():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "ops" not in path.relative_to(PACKAGE).parts[:1]:
            yield path, path.read_text()


def test_no_side_table_of_ops_outside_the_registry():
    found = [f"{path.relative_to(PACKAGE)}: {name}" for path, text in _source_outside_ops() for name in GONE
             if re.search(rf"\b{name}\b", text)]
    assert not found, f"per-op tables outside unigrad/ops/: {found}"
    assert not [m for m in GONE_MODULES if (PACKAGE / m).exists()]


# tables keyed by names that happen to be op names but belong to another API
NOT_OP_TABLES = {
    "nn/init.py",              # calculate_gain: PyTorch's nonlinearity names a user passes, and their gains
    "compat/v1/__init__.py",   # tf.math: TF1's names (these move onto OpDef fields with the TF1 breadth work)
    "caffe/upgrade.py",        # Caffe's V0 layer type names (a file format's words), upgraded to V1's enum
    "onnx/importer/families/recurrent.py",  # ONNX RNN activation attribute values, as the ONNX spec spells them
}


def _string_literals(tree):
    """(line, strings) for each dict's keys and each set/list/tuple's elements, except __all__
    (a module's export list names its functions, which may share op names)."""
    exports = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Assign)
               and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)}
    for node in ast.walk(tree):
        items = (node.keys if isinstance(node, ast.Dict) else
                 node.elts if isinstance(node, (ast.Set, ast.List, ast.Tuple)) and id(node) not in exports else ())
        strings = [k.value for k in items if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        if len(strings) >= 3:
            yield node.lineno, strings


def test_no_dict_or_set_literal_of_op_names_outside_ops():
    """A mapping or set whose keys are registered op names is a per-op table in disguise (read
    with ast: a regular expression over the source backtracked for minutes on long lists)."""
    names = set(REGISTRY)
    suspects = []
    for path, text in _source_outside_ops():
        if str(path.relative_to(PACKAGE)) in NOT_OP_TABLES:
            continue
        for line, keys in _string_literals(ast.parse(text)):
            if sum(k in names for k in keys) >= 3:
                suspects.append(f"{path.relative_to(PACKAGE)}:{line}: {keys[:6]}")
    assert not suspects, f"tables keyed by op names: {suspects}"


def test_graphs_hold_registry_ops_only():
    assert not [p for p, text in _source_outside_ops() if re.search(r"isinstance\([^)]*op, str\)", text)]

    def step(x):
        return (x * ug.rand(3)).relu().sum() + ug.zeros(1)
    f = ug.jit(step, optimize=False)
    f(ug.ones(3))
    assert all(isinstance(node.op, OpDef) and REGISTRY[node.op.name] is node.op for node in f.graph.nodes)
    assert {"rand", "full"} <= {node.op.name for node in f.graph.nodes}


def test_every_bound_name_has_one_owner_and_names_a_registered_op():
    assert OWNERS and all(REGISTRY.get(op.name) is op for op in OWNERS.values())
    for name, op in OWNERS.items():
        kind, _, attr = name.partition(".")
        holder = {"ug": ug, "Tensor": ug.Tensor, "functional": None}[kind]
        if holder is not None:
            assert hasattr(holder, attr), name
    assert set(FUNCTIONAL) == {n for n in dir(ug.nn.functional) if not n.startswith("_")} - {"ops", "bindings"}


def test_a_second_op_claiming_a_name_is_an_error():
    op = OpDef(name="registry_test_twin", impl=lambda x: x, variants=Variants(methods=("add",)))
    with pytest.raises(ug.InvalidArgumentError, match="already binds"):
        register(op)
    REGISTRY.pop("registry_test_twin", None)


def test_internal_ops_are_not_public():
    for name in ("threshold_backward", "max_dim", "slice", "index", "cond", "graph_call"):
        assert name in REGISTRY and not REGISTRY[name].variants.function
        assert f"ug.{name}" not in OWNERS


def test_tensor_methods_are_the_ops_functions():
    assert ug.Tensor.add is ug.add and ug.Tensor.__add__ is ug.add and ug.Tensor.relu is ug.relu
    x = ug.tensor([1.0, -2.0])
    assert (2 - x).tolist() == [1.0, 4.0]  # reflected
    y = x.clone()
    y.add_(1).relu_()
    assert y.tolist() == [2.0, 0.0]
    assert x.T.shape == x.shape and ug.ones(2, 3).mT.shape == (3, 2)


def test_dispatch_sets_every_tensor_field_as_the_one_constructor_does():
    """dispatch builds its result inline (the hot path); it must set what init_fields sets."""
    from unigrad.core.tensor import Tensor, init_fields
    reference = init_fields(object.__new__(Tensor), None, None, None, [0], False)
    for out in (ug.ones(2) + 1, ug.ones(2, 3).reshape(3, 2), ug.ones(3).exp()):
        for slot in Tensor.__slots__:
            if slot in ("__weakref__", "_data", "_device", "_dtype", "_vc", "_is_view"):
                continue
            assert getattr(out, slot) == getattr(reference, slot), slot
    assert (ug.ones(2, 3).reshape(3, 2))._is_view and not (ug.ones(2) + 1)._is_view
