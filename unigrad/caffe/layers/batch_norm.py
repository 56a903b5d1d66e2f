"""BatchNorm: normalisation by batch statistics (TRAIN) or by the running sums it stores
(use_global_stats, the TEST default). Its three blobs are running sums, not averages: mean-sum,
variance-sum and the moving-average factor s; the statistics are S / s (0 when s is 0)."""
from ...core.grad_mode import no_grad
from ...ops import api as F
from ..proto import caffe_pb2 as pb
from .base import Layer, ParamBlob
from .registry import layer_type


@layer_type("BatchNorm")
class BatchNorm(Layer):
    blob_names = ("mean", "variance", "scale_factor")  # running sums, as Caffe stores them
    bottoms = (1, 1)
    tops = (1, 1)

    def setup(self, bottom_shapes):
        p = self.param.batch_norm_param
        shape = bottom_shapes[0]
        if len(shape) < 2:
            raise self.shape_error(f"the bottom needs a channel axis, got {list(shape)}")
        for spec in self.param.param:
            if spec.lr_mult != 0:
                raise self.fail("BatchNorm's statistics are not learned; its param lr_mult must be 0 (omit the "
                                "param entries: unigrad adds them as Caffe does)")
        while len(self.param.param) < 3:  # as Caffe writes into the saved definition
            self.param.param.add(lr_mult=0.0)
        self.fixed_stats = p.use_global_stats if p.HasField("use_global_stats") else None
        self.global_stats = self.fixed_stats if self.fixed_stats is not None else self.phase == pb.TEST
        self.fraction, self.eps = p.moving_average_fraction, p.eps
        c = shape[1]
        zero = pb.FillerParameter(type="constant", value=0.0)
        return [ParamBlob([c], zero), ParamBlob([c], zero), ParamBlob([1], zero)]

    def forward(self, bottoms, params, ctx):
        x = bottoms[0]
        mean_sum, var_sum, factor = (p.detach() for p in params)  # statistics, never differentiated (as in Caffe)
        channel = (1, -1) + (1,) * (x.ndim - 2)
        global_stats = self.fixed_stats if self.fixed_stats is not None else ctx.phase == pb.TEST
        if global_stats:
            empty = F.eq(factor, 0.0)  # no statistics yet: Caffe's scale factor is 0
            scale = F.where(empty, F.zeros_like(factor), F.div(1.0, F.where(empty, F.ones_like(factor), factor)))
            mean, var = F.mul(mean_sum, scale), F.mul(var_sum, scale)
            return [F.div(F.sub(x, F.reshape(mean, channel)), F.sqrt(F.add(F.reshape(var, channel), self.eps)))]
        axes = (0,) + tuple(range(2, x.ndim))
        mean = F.mean(x, dim=axes, keepdim=True)
        centred = F.sub(x, mean)
        var = F.mean(F.square(centred), dim=axes, keepdim=True)
        y = F.div(centred, F.sqrt(F.add(var, self.eps)))
        if ctx.update_stats and x.device.type != "meta":
            mean_sum, var_sum, factor = params
            m = x.numel() // x.shape[1]
            unbias = m / (m - 1) if m > 1 else 1.0
            with no_grad():
                factor.mul_(self.fraction).add_(1.0)
                mean_sum.mul_(self.fraction).add_(F.reshape(mean.detach(), (-1,)))
                var_sum.mul_(self.fraction).add_(F.mul(F.reshape(var.detach(), (-1,)), unbias))
        return [y]
