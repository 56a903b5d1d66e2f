"""The intra-op thread pool (backend/intra_op.py), OpenBLAS's shortened helper spin, and the
kernels that split over the pool: results equal the one-thread path and float64."""
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
import torch

import unigrad as ug
from unigrad.backend import intra_op
from unigrad.ops.loss import softmax_rows


def test_parallel_for_runs_every_item_once_in_contiguous_groups():
    seen, lock = [], threading.Lock()

    def run(group):
        with lock:
            seen.append(list(group))
    intra_op.parallel_for(run, range(10), 3)
    assert sorted(seen) == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    seen.clear()
    intra_op.parallel_for(run, range(2), 8)  # more threads than items: one group per item
    assert sorted(seen) == [[0], [1]]
    seen.clear()
    intra_op.parallel_for(run, range(4), 1)  # one thread: all items inline, in one call
    assert seen == [[0, 1, 2, 3]]


def test_groups_run_on_other_threads_and_do_not_split_again():
    where = {}

    def run(group):
        where[group[0]] = (threading.current_thread().name, intra_op.threads_for(1 << 30))
    intra_op.parallel_for(run, range(2), 2)
    assert where[0][0] == threading.current_thread().name
    assert where[1][0].startswith("unigrad-intra-op")
    assert where[1][1] == 1  # inside a pool thread a kernel runs inline: no nested hand-offs


def test_an_error_in_a_group_is_raised_after_every_group_finished():
    finished = []

    def run(group):
        if group[0] == 2:
            raise ValueError("group two failed")
        finished.append(group[0])
    with pytest.raises(ValueError, match="group two failed"):
        intra_op.parallel_for(run, range(4), 4)
    assert sorted(finished) == [0, 1, 3]


def test_small_work_stays_on_one_thread(monkeypatch):
    monkeypatch.setattr(intra_op, "get_num_threads", lambda: 4)
    assert intra_op.threads_for(intra_op.MIN_WORK - 1) == 1
    assert intra_op.threads_for(intra_op.MIN_WORK) == 4


@pytest.fixture
def split_softmax(monkeypatch):
    """Blocks of 3 rows of 1,000 classes, every kernel split over 3 threads."""
    monkeypatch.setattr(softmax_rows, "BLOCK_ELEMENTS", 3 * 1000)
    monkeypatch.setattr(intra_op, "MIN_WORK", 1)
    monkeypatch.setattr(intra_op, "get_num_threads", lambda: 3)


def test_split_log_sum_exp_and_softmax_match_float64(split_softmax):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((20, 1000)) * 4).astype(np.float32)
    x64 = x.astype(np.float64)
    lse64 = np.log(np.exp(x64 - x64.max(1, keepdims=True)).sum(1)) + x64.max(1)
    lse, soft = softmax_rows.log_sum_exp_rows(np, x, np.float32(0.5))
    np.testing.assert_allclose(lse, lse64, rtol=1e-6)
    np.testing.assert_allclose(soft, 0.5 * np.exp(x64 - lse64[:, None]), rtol=1e-5, atol=1e-12)
    alone, _ = softmax_rows.log_sum_exp_rows(np, x)  # the loss's path: per-thread temporaries
    np.testing.assert_allclose(alone, lse64, rtol=1e-6)
    row_scale = np.linspace(-2, 2, 20, dtype=np.float32)[:, None]
    np.testing.assert_allclose(softmax_rows.softmax_from_lse(np, x, lse, row_scale),
                               row_scale * np.exp(x64 - lse64[:, None]), rtol=1e-5, atol=1e-12)


def test_split_cross_entropy_matches_torch(split_softmax):
    rng = np.random.default_rng(4)
    x, target = (rng.standard_normal((20, 1000)) * 3).astype(np.float32), rng.integers(0, 1000, 20)
    xu = ug.tensor(x, requires_grad=True)
    loss = ug.nn.functional.cross_entropy(xu, ug.tensor(target))
    loss.backward()
    xt = torch.tensor(x, requires_grad=True)
    want = torch.nn.functional.cross_entropy(xt, torch.tensor(target))
    want.backward()
    np.testing.assert_allclose(loss.item(), want.item(), rtol=1e-6)
    np.testing.assert_allclose(xu.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-9)


_SPIN_CHILD = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    from threadpoolctl import threadpool_limits
    from unigrad.backend.blas_threads import shorten_blas_spin
    threadpool_limits(2, user_api="blas")
    done = shorten_blas_spin()
    assert "OPENBLAS_THREAD_TIMEOUT" not in os.environ  # not passed on to child processes
    a = np.random.default_rng(0).standard_normal((400, 400))
    np.testing.assert_allclose(a @ a, a.astype(np.longdouble) @ a, rtol=1e-9, atol=1e-9)

    def helper_ticks():  # CPU clock ticks of every thread but this one
        me = str(__import__("threading").get_native_id())
        total = 0
        for task in os.listdir("/proc/self/task"):
            if task != me:
                fields = open(f"/proc/self/task/{task}/stat").read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total
    for _ in range(20):
        a @ a  # the helper thread works, then would spin for ~0.1 s under OpenBLAS's default
    before = helper_ticks()
    time.sleep(0.5)
    print(done, helper_ticks() - before, os.sysconf("SC_CLK_TCK"))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads helper-thread CPU time from /proc")
def test_shortened_blas_spin_lets_the_helper_threads_sleep():
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    out = subprocess.run([sys.executable, "-c", _SPIN_CHILD], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    done, ticks, per_second = out.stdout.split()
    from threadpoolctl import threadpool_info
    openblas = [i for i in threadpool_info() if i.get("internal_api") == "openblas" and "numpy" in i["filepath"]]
    if not openblas or openblas[0].get("threading_layer") != "pthreads":
        assert done == "False"
        pytest.skip("NumPy's BLAS is not a pthreads OpenBLAS here")
    assert done == "True"
    # after the last GEMM the helper slept: under 5 % of the 0.5 s pause (the default spins ~20 %)
    assert int(ticks) / int(per_second) < 0.025


def test_a_user_set_spin_is_left_alone(monkeypatch):
    from unigrad.backend import blas_threads
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "28")
    assert blas_threads.shorten_blas_spin() is False
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "28"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_splits_work_on_a_pool_of_its_own():
    intra_op.parallel_for(lambda group: None, range(2), 2)  # the parent's pool exists
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: splitting must not wait on the parent's (absent) threads
        try:
            seen = []
            intra_op.parallel_for(lambda group: seen.append(group), range(2), 2)
            os.write(write, b"ok" if sorted(seen) == [[0], [1]] else b"wrong")
        finally:
            os._exit(0)
    os.close(write)
    import select
    ready, _, _ = select.select([read], [], [], 30)
    os.waitpid(pid, 0) if ready else os.kill(pid, 9)
    assert ready and os.read(read, 10) == b"ok"
