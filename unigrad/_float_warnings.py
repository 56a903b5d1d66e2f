"""IEEE 754 results without NumPy's floating-point warnings, as in PyTorch.

torch.log(0) is -inf and 0 / 0 is nan, silently. NumPy returns the same values but also warns
("RuntimeWarning: divide by zero encountered in log"), and since unigrad's ops run NumPy the
message names an op file inside unigrad and reads like a bug there. These warnings are ignored
when, and only when, NumPy raises them from unigrad's own modules: a user's own NumPy code
still warns, and unigrad's own RuntimeWarnings (other messages) still show. (A filter lives in
warnings.filters: importing unigrad inside a `warnings.catch_warnings()` block, as pytest's
collection does, drops it when the block ends; a script's top-level import keeps it.)
"""
import warnings

warnings.filterwarnings("ignore", message=r"(divide by zero|invalid value|overflow|underflow) encountered",
                        category=RuntimeWarning, module=r"unigrad(\..*)?$")
