"""Caffe's log lines: glog's format through Python's logging.

Every line reads ``I1201 20:54:11.102792 17294 solver.py:212] Iteration 100, loss = 0.26``
(level letter, month and day without the year, time to the microsecond, thread id right-aligned
in five columns, source file:line), so Caffe's ``parse_log.py``, ``parse_log.sh`` and users' own
parsers read unigrad's logs unchanged. Messages go to stderr, as the ``caffe`` tool sends them;
``GLOG_minloglevel`` (0 info, 1 warning, 2 error) silences the lower levels as it does in Caffe.
While a progress bar is drawn on the terminal, lines are written above it, so they stay whole.
"""
import logging
import os
import sys
import threading
import time

LOGGER = logging.getLogger("unigrad.caffe")
_LETTERS = {logging.DEBUG: "I", logging.INFO: "I", logging.WARNING: "W", logging.ERROR: "E", logging.CRITICAL: "F"}
_MIN_LEVEL = {"0": logging.INFO, "1": logging.WARNING, "2": logging.ERROR, "3": logging.CRITICAL}


class GlogFormatter(logging.Formatter):
    """glog's classic line prefix (no year) before the message."""

    def format(self, record):
        t = time.localtime(record.created)
        micros = int(round((record.created % 1) * 1e6)) % 1000000
        prefix = (f"{_LETTERS.get(record.levelno, 'I')}{t.tm_mon:02d}{t.tm_mday:02d} "
                  f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{micros:06d} "
                  f"{threading.get_native_id():5d} {record.filename}:{record.lineno}] ")
        return prefix + record.getMessage()


class StderrHandler(logging.Handler):
    """Writes to the current sys.stderr; above the progress bar while one is drawn."""

    def emit(self, record):
        try:
            line = self.format(record)
            from .progress import write_line
            write_line(line, sys.stderr)
        except Exception:  # logging must never raise into the training loop
            self.handleError(record)


def _install():
    if not any(isinstance(h, StderrHandler) for h in LOGGER.handlers):
        handler = StderrHandler()
        handler.setFormatter(GlogFormatter())
        LOGGER.addHandler(handler)
        LOGGER.propagate = False  # Caffe's lines are written once, in Caffe's format
    LOGGER.setLevel(_MIN_LEVEL.get(os.environ.get("GLOG_minloglevel", "0"), logging.INFO))


_install()


def info(message):
    """Log an ``I`` line (the caller's file:line in the prefix)."""
    LOGGER.info(message, stacklevel=2)


def warning(message):
    """Log a ``W`` line."""
    LOGGER.warning(message, stacklevel=2)


def error(message):
    """Log an ``E`` line."""
    LOGGER.error(message, stacklevel=2)


def num(value):
    """A number as Caffe's C++ streams print a float: six significant digits, no trailing zeros
    (``0.00992565``, ``1e-05``, ``2.30259``)."""
    return "%g" % float(value)
