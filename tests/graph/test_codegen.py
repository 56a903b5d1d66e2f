"""The generated straight-line executor: calls, in-place kernels, odd keyword names, errors."""
import functools

import numpy as np
import pytest

from unigrad.graph.codegen import failed_step, generate
from unigrad.graph.memory_plan import InPlace


class _Node:
    def __init__(self, name):
        self.name = name


def _steps(kernels):
    # slot 0 is the input; step i reads slot i and writes slot i + 1
    return [(k, (i,), (i + 1,), (), _Node(f"n{i}"), True) for i, k in enumerate(kernels)]


def test_partials_inplace_ufuncs_and_keyword_named_attributes():
    def scale(x, **kw):
        return x * kw["lambda"]
    kernels = [functools.partial(np.multiply, 2.0), InPlace(np.negative),
               functools.partial(scale, **{"lambda": 3.0}), lambda a: a + 1]
    steps = _steps(kernels)
    run, _ = generate(steps, [0], [], [], [], [4], lambda i: steps[i][0])
    x = np.arange(3.0)
    np.testing.assert_array_equal(run([x])[0], -2 * np.arange(3.0) * 3 + 1)


def test_a_failing_kernel_is_traced_back_to_its_step():
    def boom(a):
        raise ValueError("bad input")
    steps = _steps([np.exp, boom, np.exp])
    run, first = generate(steps, [0], [], [], [], [3], lambda i: steps[i][0])
    with pytest.raises(ValueError) as info:
        run([np.ones(2)])
    node, args = failed_step([run], first, steps, info.value)
    assert node.name == "n1" and np.allclose(args[0], np.e)
