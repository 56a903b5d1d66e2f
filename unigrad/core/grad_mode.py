"""Global switch for recording the tape: no_grad / enable_grad / set_grad_enabled."""
import functools


class _GradState:
    __slots__ = ("enabled",)

    def __init__(self):
        self.enabled = True


state = _GradState()


def is_grad_enabled():
    return state.enabled


class set_grad_enabled:
    """Context manager (and decorator) that sets grad recording on or off."""

    def __init__(self, mode=True):
        self.prev = state.enabled
        self.mode = bool(mode)
        state.enabled = self.mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        state.enabled = self.prev
        return False


class _GradModeContext:
    mode = True

    def __enter__(self):
        self.prev = state.enabled
        state.enabled = self.mode
        return self

    def __exit__(self, *exc):
        state.enabled = self.prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeContext):
    """Ops inside do not record the tape: for inference and parameter updates."""
    mode = False


class enable_grad(_GradModeContext):
    mode = True
