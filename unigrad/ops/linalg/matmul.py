"""matmul with NumPy/PyTorch semantics (1-D promotion, batching, broadcasting), also mm, bmm and
Tensor.dot; with the split-inner-dimension path for tiny results of long products, and the GEMM
FLOP count that linear shares."""
import functools

import numpy as np

from ...errors import ShapeError
from .. import api as F
from ..dispatch import dispatch
from ..operands import tensor_operands
from ..registry import BuildOut, Compiled, Onnx, OpDef, Sample, Variants, register
from ..sampling import randn
from ..spec import Spec, broadcast_shapes

# A 2-D product with a tiny result and a long inner dimension (a convolution's weight gradient:
# (20, 36864) @ (36864, 25)) runs at ~35 GFLOPS as one OpenBLAS call; split into a batch of
# 1024-long slices of the inner dimension and summed, it runs 2-2.5x faster (bench notes in
# docs/benchmarks.md). Only NumPy arrays take this path.
SPLIT_K_MIN, SPLIT_K_MAX_RESULT, SPLIT_K_CHUNK = 16384, 4096, 1024


def splits_inner_dim(a_shape, b_shape):
    return len(a_shape) == 2 and len(b_shape) == 2 and a_shape[1] >= SPLIT_K_MIN and \
        a_shape[0] * b_shape[1] <= SPLIT_K_MAX_RESULT


def split_k_matmul(a, b, out=None):
    """a @ b for 2-D NumPy arrays as a sum of products over slices of the inner dimension."""
    m, k = a.shape
    n = b.shape[1]
    chunks = k // SPLIT_K_CHUNK
    length = chunks * SPLIT_K_CHUNK
    a_slices = np.lib.stride_tricks.as_strided(a, (chunks, m, SPLIT_K_CHUNK),
                                               (SPLIT_K_CHUNK * a.strides[1], a.strides[0], a.strides[1]))
    b_slices = np.lib.stride_tricks.as_strided(b, (chunks, SPLIT_K_CHUNK, n),
                                               (SPLIT_K_CHUNK * b.strides[0], b.strides[0], b.strides[1]))
    out = np.sum(np.matmul(a_slices, b_slices), axis=0, out=out)
    if length < k:
        out += a[:, length:] @ b[length:]
    return out


def _forward(xp, a, b):
    if xp is np and splits_inner_dim(a.shape, b.shape):
        return split_k_matmul(a, b)
    return xp.matmul(a, b)


def _mT(x):
    return F.transpose(x, -1, -2)


def _backward(ctx, g):
    a, b = ctx.inputs
    a_vec, b_vec = a.ndim == 1, b.ndim == 1
    if a_vec and b_vec:
        return (F.mul(g, b) if ctx.needs_input_grad(0) else None, F.mul(g, a) if ctx.needs_input_grad(1) else None)
    a2 = F.unsqueeze(a, 0) if a_vec else a
    b2 = F.unsqueeze(b, -1) if b_vec else b
    g2 = g
    if a_vec:
        g2 = F.unsqueeze(g2, -2)
    if b_vec:
        g2 = F.unsqueeze(g2, -1)
    ga = gb = None
    if ctx.needs_input_grad(0):
        ga = F.sum_to(F.matmul(g2, _mT(b2)), tuple(a2.shape))
        ga = F.reshape(ga, tuple(a.shape))
    if ctx.needs_input_grad(1):
        if b2.ndim == 2 and a2.ndim == 2 and not b._data.flags.c_contiguous and b._data.flags.f_contiguous:
            # b is a transposed view (x @ W.t() in linear): build (g.T @ a).T so that, after the
            # transpose's own backward, W's gradient is contiguous for the optimizer's update
            gb = _mT(F.matmul(_mT(g2), a2))
        elif b2.ndim == 2 and a2.ndim > 2:
            # (B.., m, k) @ (k, n): fold the batch into one GEMM instead of summing B products
            gb = F.matmul(_mT(F.reshape(a2, (-1, a2.shape[-1]))), F.reshape(g2, (-1, g2.shape[-1])))
        else:
            gb = F.sum_to(F.matmul(_mT(a2), g2), tuple(b2.shape))
        gb = F.reshape(gb, tuple(b.shape))
    return ga, gb


def _infer(a, b):
    if not a.shape or not b.shape:
        raise ShapeError(f"op 'matmul': both operands need at least 1 dim, got {a.shape} and {b.shape}")
    a2 = (1,) + a.shape if len(a.shape) == 1 else a.shape
    b2 = b.shape + (1,) if len(b.shape) == 1 else b.shape
    if a2[-1] != b2[-2]:
        raise ShapeError(f"op 'matmul': shapes {a.shape} and {b.shape} cannot be multiplied "
                         f"({a2[-1]} != {b2[-2]})")
    batch = broadcast_shapes("matmul", a2[:-2], b2[:-2])
    out = batch + (a2[-2], b2[-1])
    if len(a.shape) == 1:
        out = out[:-2] + out[-1:]
    if len(b.shape) == 1:
        out = out[:-1]
    return Spec(out, a.dtype)


def gemm_flops(inputs, outputs, attrs):
    """2*k multiply-adds per output element, k the inner dimension."""
    a = inputs[0]
    k = a.shape[-1] if len(a.shape) else 1
    n = 1
    for s in outputs[0].shape:
        n *= s
    return 2 * k * n


def _out(inputs, attrs, out):
    a, b = inputs
    return functools.partial(split_k_matmul if splits_inner_dim(a.shape, b.shape) else np.matmul, out=out)


matmul_op = OpDef(
    name="matmul", forward=_forward, backward=_backward, infer=_infer,
    onnx=Onnx("MatMul"),
    compiled=Compiled(out=BuildOut(_out), fresh=True, blas=True, flops=gemm_flops),
    variants=Variants(aliases=("mm", "bmm"), methods=("matmul", "mm", "bmm", "dot"), operators=("__matmul__",),
                      reflected=("__rmatmul__",)),
    samples=lambda: [Sample((randn(3, 4), randn(4, 5, seed=1)), name="2d"),
                     Sample((randn(2, 3, 4), randn(4, 5, seed=1)), name="batched-2d"),
                     Sample((randn(3, 4), randn(2, 4, 5, seed=1)), name="2d-batched"),
                     Sample((randn(2, 1, 3, 4), randn(5, 4, 2, seed=1)), name="broadcast"),
                     Sample((randn(4), randn(4, 5, seed=1)), name="vec-mat"),
                     Sample((randn(3, 4), randn(4, seed=1)), name="mat-vec"),
                     Sample((randn(4), randn(4, seed=1)), name="dot"),
                     Sample((randn(4, 3).T, randn(4, 2, seed=1)), name="strided")],
    torch_ref=lambda torch, a, b: torch.matmul(a, b), reference=lambda np, a, b: np.matmul(a, b))


def matmul(input, other):
    """The matrix product ``input @ other`` (also ``ug.mm``, ``ug.bmm`` and ``Tensor.dot``), as np.matmul:

    - 2-D @ 2-D: (n, k) @ (k, m) -> (n, m);
    - a 1-D operand is a row (first) or a column (second) vector, its dim dropped from the
      result; 1-D @ 1-D is the dot product, a 0-d tensor;
    - more dims are batch dims, which broadcast: (b, n, k) @ (k, m) -> (b, n, m).

    Example::

        >>> a = ug.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> a @ a
        tensor([[ 7., 10.],
                [15., 22.]])
        >>> ug.matmul(a, ug.tensor([1.0, -1.0]))
        tensor([-1., -1.])
        >>> ug.tensor([1.0, -1.0]).dot(ug.tensor([2.0, 1.0]))
        tensor(1.)
        >>> ug.matmul(ug.ones(5, 2, 3), ug.ones(3, 4)).shape
        unigrad.Size([5, 2, 4])
    """
    a, b = tensor_operands(input, other)
    return dispatch(matmul_op, (a, b), {})


register(matmul_op, public=matmul)
