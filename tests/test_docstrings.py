"""Every public op function and nn module has a docstring, and every example in them is true:
the examples run as doctests."""
import doctest
import inspect

import numpy as np
import pytest

import unigrad as ug
from unigrad.ops import REGISTRY


def _public_functions():
    found = {}
    for op in REGISTRY.values():
        if op.variants.function:
            found.setdefault(op.name, op.public)
    return sorted(found.items())


def _nn_modules():
    return sorted((name, cls) for name, cls in vars(ug.nn).items()
                  if inspect.isclass(cls) and issubclass(cls, ug.nn.Module))


DOCUMENTED = _public_functions() + _nn_modules() + [("Generator", ug.Generator)]


def test_every_public_op_function_and_module_has_a_docstring():
    missing = [name for name, obj in DOCUMENTED if not (obj.__doc__ or "").strip()]
    assert not missing, f"without a docstring: {missing}"


def test_every_layer_docstring_gives_its_shapes():
    containers = {"Module", "Sequential", "ModuleList", "ModuleDict"}
    missing = [name for name, cls in _nn_modules() if name not in containers and "Shape" not in (cls.__doc__ or "")]
    assert not missing, f"nn modules whose docstring has no Shape section: {missing}"


@pytest.mark.parametrize("name,obj", DOCUMENTED, ids=[name for name, _ in DOCUMENTED])
def test_docstring_examples_are_true(name, obj):
    ug.manual_seed(0)
    report = []
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    for test in doctest.DocTestFinder(recurse=False).find(obj, name, globs={"ug": ug, "np": np}):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
