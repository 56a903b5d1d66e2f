"""Parameters as one flat vector and back (torch.nn.utils.parameters_to_vector)."""
from ...core.grad_mode import no_grad
from ...errors import ShapeError
from ...ops import api as F


def parameters_to_vector(parameters):
    return F.cat([F.reshape(p, (-1,)) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of `vec` into the parameters, in order."""
    parameters = list(parameters)
    total = sum(p.numel() for p in parameters)
    if tuple(vec.shape) != (total,):
        raise ShapeError(f"vector_to_parameters: the vector has shape {tuple(vec.shape)}, the parameters need "
                         f"({total},)")
    offset = 0
    with no_grad():
        for p in parameters:
            n = p.numel()
            p.copy_(F.reshape(vec[offset:offset + n], tuple(p.shape)))
            offset += n
