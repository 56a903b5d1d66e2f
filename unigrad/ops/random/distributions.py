"""torch.normal and the in-place draws of other distributions (Tensor.exponential_, geometric_,
cauchy_, log_normal_, random_, bernoulli_): composites that transform uniform or normal draws
from the op's generator, so ug.manual_seed reproduces them."""
import math

from ...backend import dtypes as _dt
from ...core.tensor import Tensor
from ...errors import InvalidArgumentError
from .. import api as F
from ..registry import OpDef, Sample, Variants, register
from ..sampling import positive, randn


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal draws with the given mean and std (tensors broadcasting, or numbers with size), as
    torch.normal.

    Example::

        >>> ug.normal(ug.zeros(2, 3), 1.0).shape
        unigrad.Size([2, 3])
        >>> ug.normal(2.0, 0.5, size=(4,)).shape
        unigrad.Size([4])
    """
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise InvalidArgumentError("normal: with a number mean and std, give size")
        out = F.add(F.mul(F.randn(*size, generator=generator, dtype=dtype, device=device), float(std)), float(mean))
        return out.requires_grad_() if requires_grad else out
    like = mean if isinstance(mean, Tensor) else std
    shape = tuple(F.broadcast_tensors(*(t for t in (mean, std) if isinstance(t, Tensor)))[0].shape)
    draws = F.randn(*shape, generator=generator, dtype=like.dtype, device=like.device)
    return F.add(F.mul(draws, std), mean).detach()


def _uniform(self, generator):
    return F.rand(*self.shape, generator=generator, dtype=self.dtype, device=self.device)


def exponential_(self, lambd=1.0, generator=None):
    """What self.exponential_(lambd) writes: Exponential(lambd) draws, ``-log(1 - U) / lambd``."""
    return F.div(F.neg(F.log1p(F.neg(_uniform(self, generator)))), lambd).detach()


def geometric_(self, p, generator=None):
    """What self.geometric_(p) writes: the number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
    if not 0 < p < 1:
        raise InvalidArgumentError(f"geometric_: p must be in (0, 1), got {p}")
    u = _uniform(self, generator)
    return F.add(F.floor(F.div(F.log1p(F.neg(u)), math.log1p(-p))), 1.0).detach()


def cauchy_(self, median=0.0, sigma=1.0, generator=None):
    """What self.cauchy_(median, sigma) writes: Cauchy draws, ``median + sigma * tan(pi (U - 1/2))``."""
    return F.add(F.mul(F.tan(F.mul(F.sub(_uniform(self, generator), 0.5), math.pi)), sigma), median).detach()


def log_normal_(self, mean=1.0, std=2.0, generator=None):
    """What self.log_normal_(mean, std) writes: ``exp(N(mean, std))`` draws."""
    draws = F.randn(*self.shape, generator=generator, dtype=self.dtype, device=self.device)
    return F.exp(F.add(F.mul(draws, std), mean)).detach()


def random_(self, from_=0, to=None, generator=None):
    """What self.random_(from, to) writes: integers drawn uniformly from [from, to) (one argument:
    [0, to); none: [0, 2^24) for floats, the dtype's positive range for integers, as torch)."""
    if to is None:
        from_, to = (0, from_) if from_ else (0, None)
    if to is None:
        to = 2 ** 24 if self.dtype.is_floating_point else (2 if self.dtype is _dt.bool_ else 2 ** 31 - 1)
    return F.to_dtype(F.randint(int(from_), int(to), tuple(self.shape), generator=generator, device=self.device),
                      self.dtype)


def bernoulli_(self, p=0.5, generator=None):
    """What self.bernoulli_(p) writes: 1 with probability p (a number or a tensor), else 0."""
    probs = p if isinstance(p, Tensor) else F.full_like(self, float(p), dtype=_dt.float64 if not
                                                          self.dtype.is_floating_point else self.dtype)
    return F.to_dtype(F.bernoulli(F.broadcast_to(probs, tuple(self.shape)), generator=generator), self.dtype)


def _draws(name, fn, **kw):
    """A registered composite whose public form is the in-place method, with its conformance
    check: the draws' mean and spread against torch's own on 4,000 elements."""
    register(OpDef(name=f"{name}_draws", impl=lambda x, **a: fn(x, **a), random=True,
                   variants=Variants(function=False, inplace={f"{name}_": fn}),
                   samples=lambda: [Sample((randn(4000),), kw, grad=False)],
                   torch_ref=lambda torch, x, **a: getattr(torch.empty_like(x), f"{name}_")(**a)))


register(OpDef(name="normal", impl=normal, random=True,
               samples=lambda: [Sample((randn(4000) * 0 + 1.5, positive(4000) * 0 + 0.5), grad=False)],
               torch_ref=lambda torch, m, s: torch.normal(m, s)))
_draws("exponential", exponential_, lambd=2.0)
_draws("geometric", geometric_, p=0.3)
_draws("log_normal", log_normal_, mean=0.0, std=0.5)
register(OpDef(name="random_draws", impl=lambda x, **a: random_(x, **a), random=True,
               variants=Variants(function=False, inplace={"random_": random_}),
               samples=lambda: [Sample((randn(4000),), {"from_": 3, "to": 10}, grad=False)],
               torch_ref=lambda torch, x, from_=0, to=None: torch.empty_like(x).random_(from_, to)))
_draws("bernoulli", bernoulli_, p=0.3)
# (cauchy has no mean or variance to compare; its median and quartiles are checked in the tests)
register(OpDef(name="cauchy_draws", impl=lambda x, **a: cauchy_(x, **a), random=True,
               variants=Variants(function=False, inplace={"cauchy_": cauchy_}),
               samples=lambda: [Sample((randn(4000),), {"median": 1.0, "sigma": 0.0}, grad=False)],
               torch_ref=lambda torch, x, median=0.0, sigma=1.0: torch.full_like(x, median)))
