"""conj, conj_physical, resolve_conj, resolve_neg: for real tensors (unigrad has no complex
dtypes) each is the tensor itself, as in torch; code written for complex inputs runs unchanged."""
from ..registry import OpDef, Sample, Variants, register
from ..sampling import randn


def _real_identity(name):
    def same(input):
        return input
    same.__name__ = same.__qualname__ = name
    same.__doc__ = f"""torch.{name}: input itself (for real tensors there is nothing to conjugate or resolve).

    Example::

        >>> ug.{name}(ug.tensor([1.0, -2.0]))
        tensor([ 1., -2.])
    """
    register(OpDef(name=name, impl=same, variants=Variants(methods=(name,)), samples=lambda: [Sample((randn(3),))],
                   torch_ref=lambda torch, x: getattr(torch, name)(x)))
    return same


conj = _real_identity("conj")
conj_physical = _real_identity("conj_physical")
resolve_conj = _real_identity("resolve_conj")
resolve_neg = _real_identity("resolve_neg")
