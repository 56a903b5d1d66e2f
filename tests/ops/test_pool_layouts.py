"""Max pooling kernels over the memory orders convolutions produce (CHWN) and mixed ones."""
import numpy as np
import pytest

from unigrad.ops.conv import max_pool2d_windows as mp
from unigrad.ops.conv.pool_windows import argmax_ref
from unigrad.ops.conv.window_scatter import _window_scatter_forward


def _chwn(rng, shape):
    n, c, h, w = shape
    return np.ascontiguousarray(rng.standard_normal((c, h, w, n)).astype(np.float32)).transpose(3, 0, 1, 2)


@pytest.mark.parametrize("shape,kernel", [((3, 4, 6, 6), (2, 2)), ((2, 3, 6, 9), (3, 3)), ((1, 2, 8, 4), (2, 2))])
def test_tiled_max_pool_over_chwn_memory_matches_reference(shape, kernel):
    x = _chwn(np.random.default_rng(0), shape)
    geo = dict(kernel=kernel, stride=kernel, pads=(0, 0, 0, 0), dilation=(1, 1))
    assert mp._tiles_chwn(x, **geo)
    np.testing.assert_array_equal(mp._max_values_forward(np, x, **geo), argmax_ref(np, x, **geo)[0])


@pytest.mark.parametrize("geo", [dict(kernel=(2, 2), stride=(2, 2), pads=(0, 0, 0, 0), dilation=(1, 1)),
                                 dict(kernel=(2, 2), stride=(3, 3), pads=(0, 0, 0, 0), dilation=(1, 1)),
                                 dict(kernel=(3, 3), stride=(2, 2), pads=(1, 1, 1, 1), dilation=(1, 1))])
def test_window_scatter_with_gradient_and_argmax_in_different_memory_orders(geo):
    rng = np.random.default_rng(1)
    x = _chwn(rng, (4, 3, 8, 8))  # the forward's memory order: CHWN
    _, arg = mp._max_pool_forward(np, x, **geo)
    g_nchw = rng.standard_normal(arg.shape).astype(np.float32)  # e.g. from a Flatten: NCHW
    got = _window_scatter_forward(np, g_nchw, arg, x.shape, **geo)
    want = _window_scatter_forward(np, g_nchw, np.ascontiguousarray(arg), x.shape, **geo)
    np.testing.assert_array_equal(got, want)
    assert got.transpose(1, 2, 3, 0).flags.c_contiguous or any(geo["pads"])  # comes out CHWN
    # every input position is either its window's argmax (gets g) or zero; a stride past the
    # kernel leaves rows no window reaches, which must be zero, not uninitialised memory
    assert np.isclose(got.sum(), g_nchw.sum(), rtol=1e-5)
