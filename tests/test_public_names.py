"""The public names of today's API, frozen: generating functions and methods from the registry
(and any later refactor) must keep every one of them."""
import unigrad as ug
import unigrad.nn.functional as Fn

TENSOR_NAMES = (
    "T", "__abs__", "__add__", "__and__", "__array__", "__array_priority__", "__bool__", "__dlpack__",
    "__eq__", "__float__", "__floordiv__", "__format__", "__ge__", "__getitem__", "__gt__", "__hash__",
    "__iadd__", "__imul__", "__index__", "__int__", "__invert__", "__isub__", "__itruediv__", "__le__",
    "__len__", "__lt__", "__matmul__", "__mod__", "__mul__", "__ne__", "__neg__", "__or__", "__pos__",
    "__pow__", "__radd__", "__reduce__", "__repr__", "__rfloordiv__", "__rmatmul__", "__rmul__", "__rpow__",
    "__rsub__", "__rtruediv__", "__setitem__", "__sub__", "__truediv__", "abs", "abs_", "add", "add_", "all",
    "amax", "amin", "any", "argmax", "argmin", "backward", "bmm", "bool", "ceil", "chunk", "clamp", "clamp_",
    "clip", "clip_", "clone", "contiguous", "copy_", "cos", "cpu", "cuda", "data", "detach", "detach_",
    "device", "dim", "div", "div_", "dot", "double", "dtype", "eq", "erf", "exp", "exp_", "expand",
    "expand_as", "fill_", "flatten", "flip", "float", "floor", "floor_divide", "gather", "ge", "grad",
    "grad_fn", "gt", "half", "index_select", "int", "is_cuda", "is_floating_point", "is_leaf", "isfinite",
    "isnan", "item", "le", "log", "log_", "log_softmax", "logical_not", "logsumexp", "long", "lt", "mT",
    "masked_fill", "masked_fill_", "matmul", "max", "maximum", "mean", "min", "minimum", "mm", "movedim",
    "mul", "mul_", "ndim", "ne", "neg", "neg_", "new_full", "new_ones", "new_tensor", "new_zeros", "norm",
    "normal_", "numel", "numpy", "permute", "pow", "pow_", "prod", "register_hook", "relu", "relu_",
    "remainder", "repeat", "requires_grad", "requires_grad_", "reshape", "reshape_as", "retain_grad", "round",
    "rsqrt", "scatter_add", "shape", "sigmoid", "sigmoid_", "sign", "sin", "size", "softmax", "split", "sqrt",
    "sqrt_", "square", "squeeze", "std", "sub", "sub_", "sum", "t", "tanh", "tanh_", "to", "tolist",
    "transpose", "trunc", "type_as", "unbind", "unflatten", "uniform_", "unsqueeze", "var", "view", "view_as",
    "zero_",
)

UNIGRAD_NAMES = (
    "AutogradError", "DataError", "Device", "DeviceError", "DtypeError", "InvalidArgumentError",
    "InvalidTypeError", "OutOfBoundsError", "ShapeError", "Size", "StateDictError", "Tensor", "UnigradError",
    "abs", "adaptive_avg_pool2d", "add", "all", "amax", "amin", "any", "arange", "argmax", "argmin",
    "as_tensor", "avg_pool2d", "axpby", "batch_norm", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "bmm", "bool", "bool_", "broadcast_shapes_of", "broadcast_to", "cat",
    "ceil", "chunk", "clamp", "clip", "clone", "col2im", "concat", "cond", "contiguous", "conv1d", "conv2d",
    "conv_transpose2d", "cos", "cross_entropy", "cross_entropy_index", "cross_entropy_index_grad",
    "cross_entropy_index_with_grad", "device", "div", "divide", "double", "dropout", "elu", "embedding",
    "empty", "empty_like", "enable_grad", "eq", "erf", "exp", "eye", "flatten", "flip", "float", "float16",
    "float32", "float64", "floor", "floor_divide", "from_numpy", "full", "full_like", "gather", "ge", "gelu",
    "get_default_dtype", "getitem", "group_norm", "gt", "half", "hardtanh", "huber_loss", "im2col",
    "index_put", "index_select", "initial_seed", "int", "int16", "int32", "int64", "int8", "is_grad_enabled",
    "isfinite", "isnan", "jit", "l1_loss", "layer_norm", "le", "leaky_relu", "linear", "linspace", "load",
    "local_response_norm", "log", "log_softmax", "logical_and", "logical_not", "logical_or", "logsumexp",
    "long", "lt", "manual_seed", "masked_fill", "matmul", "max", "max_pool2d", "max_pool2d_values",
    "max_pool2d_windows", "maximum", "mean", "min", "minimum", "mm", "movedim", "mse_loss", "mul", "multiply",
    "ne", "neg", "negative", "nll_loss", "no_grad", "one_hot", "ones", "ones_like", "ops_registry", "pad",
    "permute", "pow", "prod", "rand", "rand_like", "randint", "randn", "randn_like", "randperm", "relu",
    "relu6", "remainder", "repeat", "reshape", "round", "rsqrt", "rsub", "save", "scatter_add",
    "set_default_dtype", "set_grad_enabled", "sigmoid", "sign", "silu", "sin", "smooth_l1_loss", "softmax",
    "softplus", "split", "sqrt", "square", "squeeze", "stack", "std", "sub", "subtract", "sum", "sum_to", "t",
    "tanh", "tensor", "to_device", "to_dtype", "transpose", "true_divide", "trunc", "uint8", "unbind",
    "unflatten", "unsqueeze", "var", "var_mean", "view", "where", "while_loop", "window_scatter",
    "window_select", "zeros", "zeros_like",
)

FUNCTIONAL_NAMES = (
    "adaptive_avg_pool2d", "avg_pool2d", "batch_norm", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "conv1d", "conv2d", "conv_transpose2d", "cross_entropy", "dropout",
    "elu", "embedding", "gelu", "group_norm", "hardtanh", "huber_loss", "l1_loss", "layer_norm", "leaky_relu",
    "linear", "local_response_norm", "log_softmax", "max_pool2d", "mse_loss", "nll_loss", "one_hot", "pad",
    "relu", "relu6", "sigmoid", "silu", "smooth_l1_loss", "softmax", "softplus", "tanh",
)


def test_tensor_keeps_every_method_and_operator():
    missing = [n for n in TENSOR_NAMES if not hasattr(ug.Tensor, n)]
    assert not missing, f"Tensor lost {missing}"


def test_unigrad_keeps_every_function():
    missing = [n for n in UNIGRAD_NAMES if not hasattr(ug, n)]
    assert not missing, f"unigrad lost {missing}"


def test_functional_keeps_every_function():
    missing = [n for n in FUNCTIONAL_NAMES if not hasattr(Fn, n)]
    assert not missing, f"nn.functional lost {missing}"
