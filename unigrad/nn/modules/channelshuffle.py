"""ChannelShuffle (torch.nn.modules.channelshuffle)."""
from ..functional import channel_shuffle
from .module import Module


class ChannelShuffle(Module):
    """Regroups the channels of (N, C, *) input as ShuffleNet does (torch.nn.ChannelShuffle).

    Shape:
        - Input: ``(N, C, *)``, C divisible by groups.
        - Output: the input's shape.

    Example::

        >>> ug.nn.ChannelShuffle(2)(ug.arange(4.0).reshape(1, 4, 1)).flatten()
        tensor([0., 2., 1., 3.])
    """
    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
