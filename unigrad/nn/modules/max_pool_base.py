"""_MaxPoolNd: what MaxPool1d/2d/3d share (torch's base of the same name): the arguments, their
stride default and the repr; each subclass names its functional form in `_pool`."""
from .module import Module


class _MaxPoolNd(Module):
    _pool = None  # the functional max pooling of the subclass's dimension (a staticmethod)

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return self._pool(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")
