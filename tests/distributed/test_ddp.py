"""Data-parallel training over MPI: real multi-process jobs (mpiexec, 2 and 3 ranks) checked
against one process training on the whole batch."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import unigrad as ug
from unigrad.distributed.launch import command, find_mpiexec

from . import training_runs as runs

PROGRAM = os.path.join(os.path.dirname(__file__), "ddp_program.py")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALL_CASES = ["equivalence", "batchnorm", "replicas_start_equal", "accumulation", "unused_parameters", "unused_without_flag",
             "collectives", "sampler"]

pytest.importorskip("mpi4py", reason="the distributed tests need mpi4py (CI installs it: pip install .[test])")
if find_mpiexec() is None:
    pytest.skip("no mpiexec (CI installs mpich)", allow_module_level=True)


def _job(nproc, out_dir, cases, timeout=180):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""), OMP_NUM_THREADS="1")
    return subprocess.run(command(nproc, PROGRAM, [str(out_dir)] + cases), env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module", params=[2, 3], ids=["2_ranks", "3_ranks"])
def job(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"ddp{request.param}")
    done = _job(request.param, out, ALL_CASES)
    assert done.returncode == 0, f"the {request.param}-rank job failed:\n{done.stdout}\n{done.stderr}"
    return request.param, {name: dict(np.load(out / f"{name}.npz", allow_pickle=False)) for name in ALL_CASES}


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_n_ranks_equal_one_process_on_the_whole_batch(job, optimizer, compiled):
    world, results = job
    single = runs.train(optimizer, compiled, steps=5, per_rank=4 * world)
    key = f"{optimizer}_{'compiled' if compiled else 'eager'}"
    for i, expected in enumerate(single):
        np.testing.assert_allclose(results["equivalence"][f"{key}_{i}"], expected, rtol=2e-5, atol=2e-6)
    if compiled:  # the compiled step reduced inside its graph, one all_reduce per bucket
        reductions, buckets = results["equivalence"][f"{optimizer}_reductions"]
        assert reductions == buckets and buckets >= 3
    # and the parameters did move: the check compares trained models, not two initialisations
    assert not np.allclose(single[0], runs.model()[0].weight.detach().numpy(), atol=1e-3)


def test_batchnorm_normalises_per_rank_and_keeps_rank_0s_running_statistics(job):
    world, results = job
    params, buffers = runs.simulate_ranks_with_batchnorm(steps=4, per_rank=4, world=world)
    got = results["batchnorm"]
    for i, p in enumerate(params):
        np.testing.assert_allclose(got[f"param_{i}"], p, rtol=2e-5, atol=2e-6)
    for i, b in enumerate(buffers):
        np.testing.assert_allclose(got[f"buffer_{i}"], b, rtol=2e-5, atol=2e-6)
    # which is not what one process on the whole batch computes (documented in docs/distributed.md)
    net = runs.bn_model()
    opt = runs.OPTIMIZERS["sgd"](net.parameters())
    step = runs.step_fn(net, opt)
    for x, y in runs.batches(4, 4 * world):
        step(ug.tensor(x), ug.tensor(y))
    assert not np.allclose(got["param_0"], net[0].weight.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_wrapping_copies_rank_0s_parameters_and_each_forward_its_buffers(job):
    world, results = job
    biases, means = results["replicas_start_equal"]["biases"], results["replicas_start_equal"]["running_means"]
    for r in range(1, world):
        np.testing.assert_array_equal(biases[r], biases[0])
    np.testing.assert_array_equal(means, np.ones_like(means))  # rank 0 set 1.0, the others 2.0, 3.0


def test_no_sync_accumulates_locally_then_reduces_the_sum(job):
    world, results = job
    net = runs.model()
    x, y = runs.batches(1, 6 * world)[0]
    # each rank's grad after no_sync is its own 2 micro-batches' sum; the synchronised backward
    # adds the third and averages the ranks' sums
    local, totals = [], []
    for r in range(world):
        net.zero_grad()
        xs, ys = np.split(x[r * 6:(r + 1) * 6], 3), np.split(y[r * 6:(r + 1) * 6], 3)
        for i in range(3):
            ug.nn.functional.cross_entropy(net(ug.tensor(xs[i])), ug.tensor(ys[i])).backward()
            if i == 1:
                local.append(net[0].weight.grad.numpy().copy())
        totals.append(net[0].weight.grad.numpy())
    np.testing.assert_allclose(results["accumulation"]["local_after_two"], np.stack(local), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(results["accumulation"]["grads"][0], np.mean(totals, axis=0), rtol=1e-5, atol=1e-7)


def test_unused_parameters_are_reduced_as_zeros(job):
    world, results = job
    from .ddp_program import TwoHeads
    got = results["unused_parameters"]
    ug.manual_seed(0)
    net = TwoHeads()
    grads = {"body": [], "a": [], "b": []}
    for r in range(world):
        net.zero_grad()
        ug.manual_seed(7 + r)
        x = ug.randn(3, 4)
        net(x, "a" if r == 0 else "b").sum().backward()
        for name in grads:
            g = getattr(net, name).weight.grad
            grads[name].append(np.zeros((2 if name != "body" else 4, 4), np.float32) if g is None else g.numpy())
    for name in grads:
        np.testing.assert_allclose(got[name], np.mean(grads[name], axis=0), rtol=1e-5, atol=1e-7, err_msg=name)


def test_a_parameter_without_gradient_is_named_at_the_next_forward(job):
    message = str(job[1]["unused_without_flag"]["message"])
    assert "['b.weight', 'b.bias'] got no gradient" in message and "find_unused_parameters=True" in message


def test_collectives(job):
    world, results = job
    got = results["collectives"]
    np.testing.assert_array_equal(got["sum"], [world * (world + 1) / 2, 2.0 * world])
    np.testing.assert_array_equal(got["max"], [world - 1])
    np.testing.assert_array_equal(got["bcast"], [world - 1] * 3)
    np.testing.assert_allclose(got["avg"], [(world - 1) / 2])
    assert float(got["metric"]) == pytest.approx((world - 1) / 2)
    rank0_share = sum(r * world for r in range(world))  # rank 0's share: j = 0 from every rank
    np.testing.assert_array_equal(got["reduce_scatter"], [rank0_share, world])
    np.testing.assert_array_equal(got["all_gather"], [[r, -r] for r in range(world)])


def test_distributed_sampler_splits_each_epoch_without_overlap(job):
    world, results = job
    indices = results["sampler"]["indices"]
    per_rank = -(-11 // world)
    assert indices.shape == (world, per_rank)
    assert set(indices.ravel()) == set(range(11))  # every index read, the padding repeats the start
    assert len(indices.ravel()) - len(set(indices.ravel())) == per_rank * world - 11
    local = [list(ug.data.DistributedSampler(range(11), num_replicas=world, rank=r, seed=5)) for r in range(world)]
    epoch2 = []
    for r in range(world):
        s = ug.data.DistributedSampler(range(11), num_replicas=world, rank=r, seed=5)
        s.set_epoch(2)
        epoch2.append(list(s))
    np.testing.assert_array_equal(indices, epoch2)
    assert local != epoch2  # a new epoch draws a new order


def test_a_failing_rank_ends_the_job(tmp_path):
    done = _job(3, tmp_path, ["fails_on_last_rank"], timeout=120)
    assert done.returncode != 0
    assert "rank failed on purpose" in done.stderr


def test_ranks_that_wrap_different_models_are_told(tmp_path):
    done = _job(2, tmp_path, ["differing_models"], timeout=120)
    assert done.returncode != 0
    assert "rank(s) [1] wrap a model whose parameters differ from rank 0's" in done.stderr


def test_one_process_without_a_group_trains_as_the_plain_model():
    plain = runs.train("sgd", False, steps=3, per_rank=8)
    wrapped = runs.train("sgd", False, steps=3, per_rank=8, wrap=ug.nn.parallel.DistributedDataParallel)
    for a, b in zip(plain, wrapped):
        np.testing.assert_array_equal(a, b)


def _launch(tmp_path, *options):
    script = tmp_path / "hello.py"
    script.write_text("import sys\nimport unigrad.distributed as dist\ndist.init_process_group()\n"
                      # one write per line, newline included: print writes its text and its end separately,
                      # and unbuffered the two ranks' writes interleave ('rank 1 of 2rank 0 of 2')
                      "sys.stdout.write(f'rank {dist.get_rank()} of {dist.get_world_size()}\\n')\n"
                      "sys.stdout.flush()\n"
                      "print(f'stderr of {dist.get_rank()}', file=sys.stderr)\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, "-m", "unigrad.cli", "run", "-n", "2", *options, str(script)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return sorted(line for line in done.stdout.splitlines() if line.startswith("rank")), done.stderr


def test_launcher_shows_rank_0s_output_and_every_ranks_errors(tmp_path):
    out, err = _launch(tmp_path)
    assert out == ["rank 0 of 2"]
    assert "stderr of 0" in err and "stderr of 1" in err


def test_launcher_shows_every_rank_when_asked(tmp_path):
    out, _ = _launch(tmp_path, "--output", "all")
    assert out == ["rank 0 of 2", "rank 1 of 2"]


def test_the_example_on_2_ranks_trains_as_one_process_on_the_whole_batch(tmp_path):
    """examples/mnist_ddp.py: 2 ranks x batch 16 and 1 process x batch 32 see the same global
    batches (DistributedSampler deals rank r the r-th of every pair), so after 20 steps they hold
    the same weights, up to float32 rounding, and report the same test accuracy."""
    example = os.path.join(ROOT, "examples", "mnist_ddp.py")
    common = ["--data", ug.data.mnist.SUBSET_DIR, "--steps", "20"]
    env = dict(os.environ, PYTHONPATH=ROOT)
    two = subprocess.run([sys.executable, "-m", "unigrad.cli", "run", "-n", "2", example, *common, "--batch-size", "16",
                          "--out", str(tmp_path / "two.safetensors")], env=env, capture_output=True, text=True,
                         timeout=300)
    assert two.returncode == 0, two.stderr[-4000:]
    one = subprocess.run([sys.executable, example, *common, "--batch-size", "32", "--out",
                          str(tmp_path / "one.safetensors")], env=env, capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, one.stderr[-4000:]
    accuracy = [float(re.search(r"test accuracy ([\d.]+)%", p.stdout).group(1)) for p in (two, one)]
    assert abs(accuracy[0] - accuracy[1]) <= 0.5, accuracy
    assert "2 rank(s) x batch 16" in two.stdout and two.stdout.count("test accuracy") == 1  # rank 0 alone prints
    a, b = ug.load(str(tmp_path / "two.safetensors")), ug.load(str(tmp_path / "one.safetensors"))
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(a[k].numpy(), b[k].numpy(), rtol=1e-3, atol=1e-5, err_msg=k)
