"""LMDB databases of Caffe records (the `lmdb` package): a reader that walks the keys in order
and wraps around, and a writer that commits every 1000 records and grows the map on demand, as
Caffe's db_lmdb does."""
import os
import shutil

from .. import glog
from ..errors import CaffeFileError


def _lmdb():
    try:
        import lmdb
    except ImportError:
        raise CaffeFileError("LMDB databases need the lmdb package: pip install lmdb") from None
    return lmdb


def check_source(path, layer):
    """An existing LMDB folder, or a CaffeFileError that says what `path` is instead."""
    if not os.path.exists(path):
        raise CaffeFileError(f"layer '{layer}': data source '{path}' does not exist (create it with "
                             "`unigrad caffe convert-mnist` or `unigrad caffe convert-imageset`)")
    if os.path.isdir(path) and not os.path.exists(os.path.join(path, "data.mdb")):
        if os.path.exists(os.path.join(path, "CURRENT")):
            raise CaffeFileError(f"layer '{layer}': '{path}' is a LevelDB database; unigrad reads LMDB only. "
                                 "Convert it to LMDB (e.g. convert-imageset --backend=lmdb) and set backend: LMDB")
        raise CaffeFileError(f"layer '{layer}': '{path}' is a folder without data.mdb, not an LMDB database")


_OPEN = {}  # real path -> [environment, readers]: lmdb opens an environment once per process


def _open_env(path, layer):
    key = os.path.realpath(path)
    entry = _OPEN.get(key)
    if entry is None:
        lmdb = _lmdb()
        try:
            env = lmdb.open(path, readonly=True, lock=False, readahead=False, subdir=os.path.isdir(path),
                            max_readers=126)
        except lmdb.Error as exc:
            raise CaffeFileError(f"layer '{layer}': cannot open LMDB '{path}': {exc}") from None
        entry = _OPEN[key] = [env, 0]
    entry[1] += 1
    return key, entry[0]


def _release_env(key):
    entry = _OPEN.get(key)
    if entry is not None:
        entry[1] -= 1
        if entry[1] <= 0:
            del _OPEN[key]
            entry[0].close()


class Reader:
    """Cycles through an LMDB's (key, value) pairs in key order, restarting at the end. Readers
    of one database share its environment (each has its own read transaction)."""

    def __init__(self, path, layer="<data>"):
        check_source(path, layer)
        self.key, self.env = _open_env(path, layer)
        self._closed = False
        self.path, self.layer = path, layer
        self.txn = self.env.begin(buffers=False)
        self.cursor = self.txn.cursor()
        if not self.cursor.first():
            raise CaffeFileError(f"layer '{layer}': LMDB '{path}' is empty")
        self.entries = self.txn.stat()["entries"]

    def next(self):
        """(key, value) of the next record."""
        key, value = self.cursor.item()
        if not self.cursor.next():
            glog.info("Restarting data prefetching from start.")
            self.cursor.first()
        return key, value

    def skip(self, n):
        for _ in range(n):
            self.next()

    def close(self):
        if not self._closed:
            self._closed = True
            self.cursor = None
            self.txn.abort()
            _release_env(self.key)

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass


class Writer:
    """Puts records into a new LMDB folder, committing every `batch` puts (Caffe: 1000). The
    database is built in a temporary folder beside `path` and renamed to `path` when closed, so
    a conversion that fails or is interrupted leaves no half-written database."""

    def __init__(self, path, batch=1000, map_size=1 << 26):
        lmdb = _lmdb()
        if os.path.exists(path) and not (os.path.isdir(path) and not os.listdir(path)):
            raise CaffeFileError(f"'{path}' already exists; remove it or choose another name for the database")
        self.tmp = f"{path.rstrip(os.sep)}.partial-{os.getpid()}"
        shutil.rmtree(self.tmp, ignore_errors=True)
        os.makedirs(self.tmp)
        self.env = lmdb.open(self.tmp, map_size=map_size, subdir=True)
        self.path, self.batch, self.pending = path, batch, []
        self.count = 0

    def put(self, key, value):
        self.pending.append((key if isinstance(key, bytes) else key.encode(), value))
        if len(self.pending) >= self.batch:
            self.commit()

    def commit(self):
        lmdb = _lmdb()
        while self.pending:
            try:
                with self.env.begin(write=True) as txn:
                    for key, value in self.pending:
                        txn.put(key, value)
            except lmdb.MapFullError:  # grow the map, as Caffe's LMDB writer does, and retry
                self.env.set_mapsize(self.env.info()["map_size"] * 2)
                continue
            self.count += len(self.pending)
            self.pending = []

    def close(self):
        """Commit what is pending and move the finished database to its name."""
        if self.env is None:
            return
        try:
            self.commit()
        except BaseException:
            self.abandon()
            raise
        self.env.close()
        self.env = None
        if os.path.isdir(self.path):  # an empty folder made meanwhile: rename cannot replace it
            os.rmdir(self.path)
        os.rename(self.tmp, self.path)

    def abandon(self):
        """Drop the unfinished database (nothing is left at `path`)."""
        if self.env is not None:
            self.env.close()
            self.env = None
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, trace):
        if kind is None:
            self.close()
        else:
            self.abandon()
        return False
