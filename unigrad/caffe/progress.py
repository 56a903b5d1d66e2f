"""The training progress bar (tqdm, on stderr, only when stderr is a terminal) and writing log
lines so that they never mix with it."""
import sys

_active = []  # the bar being drawn, if any


def write_line(line, stream):
    """Write one log line to `stream`; above the bar when one is drawn there."""
    if _active and stream is _active[0].fp:
        _active[0].write(line)  # tqdm clears the bar, writes, redraws
    else:
        stream.write(line + "\n")
        stream.flush()


class Progress:
    """A tqdm bar over `total` iterations on stderr when it is a terminal; otherwise nothing
    (logs captured with ``2>&1 | tee`` stay pure glog lines)."""

    def __init__(self, total, initial=0, desc="train", enabled=None):
        stream = sys.stderr
        if enabled is None:
            enabled = hasattr(stream, "isatty") and stream.isatty()
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, initial=initial, desc=desc, file=stream, leave=False,
                            dynamic_ncols=True, unit="iter")
            _active.append(_BarWriter(self.bar, stream))

    def update(self, n=1):
        if self.bar is not None:
            self.bar.update(n)

    def close(self):
        if self.bar is not None:
            _active.clear()
            self.bar.close()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class _BarWriter:
    def __init__(self, bar, fp):
        self.bar, self.fp = bar, fp

    def write(self, line):
        self.bar.write(line, file=self.fp)
