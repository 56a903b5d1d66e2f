"""Scale: y = x * s (+ b), s broadcast over axes [axis, axis + num_axes) of x; s is a learned
blob, or the second bottom. With bias_term the layer owns the bias as its second blob."""
from ...ops import api as F
from .base import Layer, ParamBlob
from .common import canonical_axis, filler
from .registry import layer_type


def covered_shape(layer, x_shape, axis, num_axes, other_shape=None):
    """(axis, shape of the broadcast operand) for Scale/Bias: from the second bottom's shape when
    given, else from axis/num_axes (num_axes -1 = to the end, 0 = a scalar)."""
    ndim = len(x_shape)
    if other_shape is not None:
        axis = canonical_axis(layer, axis, ndim) if other_shape else 0
        if tuple(x_shape[axis:axis + len(other_shape)]) != tuple(other_shape):
            raise layer.shape_error(f"the second bottom {list(other_shape)} must match the first bottom "
                                    f"{list(x_shape)} from axis {axis}")
        return axis, tuple(other_shape)
    if num_axes < -1:
        raise layer.fail(f"num_axes must be -1 or non-negative, got {num_axes}")
    axis = canonical_axis(layer, axis, ndim) if ndim else 0
    end = ndim if num_axes == -1 else axis + num_axes
    if end > ndim:
        raise layer.shape_error(f"axis {axis} + num_axes {num_axes} runs past the bottom's {ndim} axes")
    return axis, tuple(x_shape[axis:end])


def broadcast(v, x_ndim, axis):
    """v reshaped to broadcast over x from `axis`."""
    return F.reshape(v, (1,) * axis + tuple(v.shape) + (1,) * (x_ndim - axis - v.ndim))


@layer_type("Scale")
class Scale(Layer):
    bottoms = (1, 2)
    tops = (1, 1)

    def param_names(self):
        return ["weight", "bias"][:len(self.params)] if len(self.param.bottom) == 1 else ["bias"]

    def setup(self, bottom_shapes):
        p = self.param.scale_param
        other = bottom_shapes[1] if len(bottom_shapes) == 2 else None
        self.axis, shape = covered_shape(self, bottom_shapes[0], p.axis, p.num_axes, other)
        blobs = [] if other is not None else [ParamBlob(shape, filler(p, "filler", "constant", 1.0))]
        self.bias_term = p.bias_term
        if p.bias_term:
            blobs.append(ParamBlob(shape, filler(p, "bias_filler", "constant", 0.0)))
        return blobs

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        if len(bottoms) == 2:
            scale, rest = bottoms[1], params
        else:
            scale, rest = params[0], params[1:]
        y = F.mul(x, broadcast(scale, x.ndim, self.axis))
        if self.bias_term:
            y = F.add(y, broadcast(rest[0], x.ndim, self.axis))
        return [y]
