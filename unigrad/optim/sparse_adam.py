"""optim.SparseAdam, refused: unigrad keeps no sparse gradients."""
from ..errors import InvalidArgumentError


class SparseAdam:
    """Not provided, on purpose: PyTorch's SparseAdam updates only the rows present in sparse
    gradients (from ``nn.Embedding(sparse=True)``), and unigrad's gradients are always dense, so
    it would have nothing to update. Constructing it raises, saying what to use instead."""
    def __init__(self, params=None, lr=0.001, betas=(0.9, 0.999), eps=1e-08, maximize=False):
        raise InvalidArgumentError(
            "optim.SparseAdam is not provided: it updates only the rows of sparse gradients (nn.Embedding("
            "sparse=True) in PyTorch), and unigrad's gradients are always dense. Use optim.Adam(params, lr, betas, "
            "eps): on dense gradients it is the same update, applied to every row each step (rows an embedding did "
            "not look up get a zero gradient, so their moments decay instead of staying put)")
