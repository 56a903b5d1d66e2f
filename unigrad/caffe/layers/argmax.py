"""ArgMax: the indices (as floats) of the top_k values along `axis`, or over all non-batch axes
when no axis is given (then with out_max_val the values follow the indices: N x 2 x top_k).
Among equal values the larger index ranks first, as Caffe's sort of (value, index) pairs
gives. No gradient."""
from ...ops import api as F
from .base import Layer
from .common import canonical_axis, count
from .registry import layer_type


@layer_type("ArgMax")
class ArgMax(Layer):
    bottoms = (1, 1)
    tops = (1, 1)
    no_backward_to = (0,)

    def setup(self, bottom_shapes):
        p = self.param.argmax_param
        shape = bottom_shapes[0]
        self.axis = canonical_axis(self, p.axis, len(shape)) if p.HasField("axis") else None
        size = shape[self.axis] if self.axis is not None else count(shape, 1)
        if p.top_k < 1 or p.top_k > size:
            raise self.fail(f"top_k {p.top_k} must be between 1 and {size}")
        return []

    def _top(self, x, dim, k):
        """(values, indices) of the k largest along dim, ties to the larger index."""
        n = x.shape[dim]
        rev = F.flip(x, (dim,))
        values, indices = [], []
        for _ in range(k):
            j = F.argmax(rev, dim=dim, keepdim=True)  # first maximum of the reversed = last of the original
            values.append(F.gather(rev, dim, j))
            indices.append(F.sub(n - 1, j))
            rev = F.scatter_add(rev, dim, j, F.full_like(F.gather(rev, dim, j), float("-inf")))
        return F.cat(values, dim), F.to_dtype(F.cat(indices, dim), x.dtype)

    def forward(self, bottoms, params, ctx):
        p = self.param.argmax_param
        x = bottoms[0].detach()
        if self.axis is None:
            flat = F.reshape(x, (x.shape[0], -1))
            values, indices = self._top(flat, 1, p.top_k)
            if p.out_max_val:
                return [F.stack([indices, values], 1)]
            return [F.unsqueeze(indices, 1)]
        values, indices = self._top(x, self.axis, p.top_k)
        return [values if p.out_max_val else indices]
