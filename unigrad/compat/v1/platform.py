"""tf.gfile and tf.logging: files through the operating system (local paths) and TF1's logging
functions over Python's logging (the "tensorflow" logger, so existing log settings apply)."""
import glob as _glob
import logging as _logging
import os
import shutil

from .errors import NotFoundError
from .not_covered import Namespace


def _exists(path):
    return os.path.exists(path)


def _delete_recursively(path):
    if not os.path.exists(path):
        raise NotFoundError(f"tf.gfile.DeleteRecursively: '{path}' does not exist")
    shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


def _remove(path):
    if not os.path.exists(path):
        raise NotFoundError(f"tf.gfile.Remove: '{path}' does not exist")
    os.remove(path)


def _copy(src, dst, overwrite=False):
    if os.path.exists(dst) and not overwrite:
        raise FileExistsError(f"tf.gfile.Copy: '{dst}' exists (pass overwrite=True)")
    shutil.copyfile(src, dst)


def _rename(src, dst, overwrite=False):
    if os.path.exists(dst) and not overwrite:
        raise FileExistsError(f"tf.gfile.Rename: '{dst}' exists (pass overwrite=True)")
    os.replace(src, dst)


def _open(name, mode="r"):
    return open(name, mode)


gfile = Namespace("tf.gfile", Exists=_exists, MakeDirs=lambda path: os.makedirs(path, exist_ok=True),
                  MkDir=os.mkdir, DeleteRecursively=_delete_recursively, Remove=_remove, Glob=_glob.glob,
                  IsDirectory=os.path.isdir, ListDirectory=os.listdir, Copy=_copy, Rename=_rename, GFile=_open,
                  Open=_open, FastGFile=_open, Walk=os.walk, Stat=os.stat)

_logger = _logging.getLogger("tensorflow")
DEBUG, INFO, WARN, ERROR, FATAL = _logging.DEBUG, _logging.INFO, _logging.WARN, _logging.ERROR, _logging.FATAL


_counts = {}


def _log_every_n(level, msg, n, *args):
    """Log on the first call and every n-th after it (counted per message)."""
    count = _counts[msg] = _counts.get(msg, -1) + 1
    if count % max(int(n), 1) == 0:
        _logger.log(level, msg, *args)


def _set_verbosity(level):
    _logger.setLevel(level)
    if not _logger.handlers and not _logging.getLogger().handlers:
        _logger.addHandler(_logging.StreamHandler())


logging = Namespace("tf.logging", DEBUG=DEBUG, INFO=INFO, WARN=WARN, ERROR=ERROR, FATAL=FATAL,
                    set_verbosity=_set_verbosity, get_verbosity=_logger.getEffectiveLevel, debug=_logger.debug,
                    info=_logger.info, warn=_logger.warning, warning=_logger.warning, error=_logger.error,
                    fatal=_logger.critical, log=_logger.log, vlog=lambda level, msg, *args: _logger.log(level, msg, *args),
                    log_every_n=_log_every_n)
