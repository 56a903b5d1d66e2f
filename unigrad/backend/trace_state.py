"""The hook through which dispatch reports op applications to a graph tracer (None when eager)."""


class _TraceState:
    __slots__ = ("tracer",)

    def __init__(self):
        self.tracer = None


state = _TraceState()
