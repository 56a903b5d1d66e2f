import numpy as np
import pytest

import unigrad as ug
from unigrad.backend import blas_threads
from unigrad.graph.executor import Plan
from unigrad.graph.tracer import Tracer, tracing


def _blas_threads():
    return [lib.get_num_threads() for lib in blas_threads._blas()]


def test_single_blas_thread_sets_one_and_restores():
    if not blas_threads._blas():
        pytest.skip("no BLAS library that threadpoolctl can control")
    from threadpoolctl import threadpool_limits
    with threadpool_limits(2, user_api="blas"):
        if set(_blas_threads()) != {2}:
            pytest.skip("the BLAS library runs on one thread here")
        with blas_threads.single_blas_thread():
            assert set(_blas_threads()) == {1}
        assert set(_blas_threads()) == {2}


def _plan(fn, *inputs):
    tracer = Tracer(ug.device("cpu"))
    for i, t in enumerate(inputs):
        tracer.placeholder(t, f"in{i}")
    with tracing(tracer):
        out = fn(*inputs)
    tracer.graph.outputs = [tracer.output(out)]
    return Plan(tracer.graph)


def test_only_graphs_of_small_gemms_run_single_threaded():
    small = _plan(lambda a, b: a @ b, ug.randn(8, 16), ug.randn(16, 8))
    large = _plan(lambda a, b: a @ b, ug.randn(256, 256), ug.randn(256, 256))
    no_gemm = _plan(lambda a: a.exp(), ug.randn(8))
    assert small.small_gemms_only and not large.small_gemms_only and not no_gemm.small_gemms_only
    np.testing.assert_allclose(small.run([np.eye(8, 16, dtype=np.float32), np.ones((16, 8), np.float32)])[0],
                               np.ones((8, 8)), rtol=0)
