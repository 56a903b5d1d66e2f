"""Compiler facts shared by the elementwise ops that are one NumPy/CuPy ufunc."""
from ..registry import Compiled, InPlace
from ..spec import elementwise_flops


def ufunc_facts(ufunc, template, in_place=True, commutative=False, fresh=False, cuda=None, neutral=()):
    """An op computing ufunc `ufunc` elementwise: it runs in place over a dead operand (unless
    in_place=False), writes into a buffer with out=, fuses as `template` (numexpr; `cuda` for
    CUDA C where it differs) and costs one operation per element. `neutral`: as Compiled.neutral."""
    return Compiled(in_place=InPlace(ufunc=ufunc) if in_place else None, commutative=commutative, out=ufunc,
                    fresh=fresh, fusion=(template, cuda or template), flops=elementwise_flops, neutral=neutral)
