"""The PyTorch programs of issue 10 (tests/torch_api/programs/), each run twice in this process:
as written with real torch, then with only its imports changed to unigrad (runner.as_unigrad),
from the same initial weights (the torch run saves its state_dict, the unigrad run loads it).
Their loss curves must match to what their randomness allows:

- no randomness left after the shared start (the tutorials, the language models without
  dropout, LBFGS on fixed waves, and the classifiers trained on one batch, where the loader's
  shuffle only reorders rows inside the batch): the printed losses agree to float32 rounding;
- randomness each framework draws from its own generator (dropout masks, the VAE's noise,
  forward-forward's wrong labels, regression's batches): the same trend to a tolerance measured
  from torch runs with different seeds, and the documented outcome (the loss falls, the fit
  finds the target).

Sizes are small (one MNIST batch, a few hundred words): the whole file takes ~12 s of CPU."""
import math
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch  # the oracle (CI's test extra installs it): never skipped

import unigrad as ug
from unigrad.backend.blas_threads import single_blas_thread

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "programs"))
import runner  # noqa: E402  (tests/torch_api/programs/runner.py)

MNIST = ug.data.mnist.SUBSET_DIR


@pytest.fixture(autouse=True)
def one_thread():
    """Both frameworks on one thread (torch's intra-op pool, NumPy's BLAS): the runs compare on
    equal terms, and BLAS threads spinning against other tests' processes cannot stall them."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with single_blas_thread():
        yield
    torch.set_num_threads(threads)


def run_both(name, args, tmp_path, init=True):
    """(torch's output, unigrad's output); with `init` the unigrad run starts from the weights
    the torch run saved (torch.save -> a safetensors copy -> the program's torch.load)."""
    args = [str(a) for a in args]
    torch.manual_seed(0)  # programs that seed nothing (the tutorials) start from the same weights each time
    ug.manual_seed(0)
    pt = str(tmp_path / "init.pt")
    first = runner.run(name, args + (["--save-init", pt] if init else []), "torch", cwd=tmp_path)
    extra = ["--init", runner.torch_state_to_safetensors(pt, str(tmp_path / "init.safetensors"))] if init else []
    os.makedirs(tmp_path / "ug", exist_ok=True)
    second = runner.run(name, args + extra, "unigrad", cwd=tmp_path / "ug")
    return first, second


def same_curve(pattern, first, second, rtol, at_least=3, atol=0.0):
    """The numbers the pattern finds in torch's output (first), asserted close to unigrad's."""
    a, b = runner.floats(pattern, first), runner.floats(pattern, second)
    assert len(a) == len(b) >= at_least, (len(a), len(b))
    np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)
    return a


NUMBER = r"(-?\d+\.\d+(?:e[-+]?\d+)?)"  # with a decimal point: not the powers in "x^2"


def test_only_imports_are_rewritten():
    source = ("import torch\nimport torch.nn as nn\nimport torch.utils.data\nfrom torch.optim import SGD\n"
              "    from torch import nn, optim\nx = torch.ones(2)  # import torch in a comment\n")
    out = runner.as_unigrad(source)
    assert out.splitlines() == ["import unigrad as torch", "import unigrad.nn as nn",
                                "import unigrad as torch; import unigrad.utils.data",
                                "from unigrad.optim import SGD", "    from unigrad import nn, optim",
                                "x = torch.ones(2)  # import torch in a comment"]


@pytest.mark.parametrize("name,steps", [("tutorial_tensors.py", 1000), ("tutorial_autograd.py", 1000),
                                        ("tutorial_custom_function.py", 1000), ("tutorial_nn.py", 1000),
                                        ("tutorial_optim.py", 1000), ("tutorial_custom_module.py", 1000)])
def test_learning_pytorch_with_examples(name, steps, tmp_path):
    first, second = run_both(name, ["--steps", steps], tmp_path, init=name != "tutorial_custom_function.py")
    losses = same_curve(r"^\d+ ([\d.e+-]+)$", first, second, 1e-4, 10)
    assert losses[-1] < 0.5 * losses[0]  # the cubic approaches sin(x)
    same_curve(NUMBER, first.splitlines()[-1], second.splitlines()[-1], 1e-3, 4, atol=1e-6)


def test_learning_pytorch_dynamic_net(tmp_path):
    # Python's random (seeded) picks the degrees, the same in both runs; momentum SGD
    first, second = run_both("tutorial_dynamic_net.py", ["--steps", 2000], tmp_path)
    same_curve(NUMBER, first.splitlines()[-1], second.splitlines()[-1], 1e-3, 5, atol=1e-6)
    same_curve(r"^1999 ([\d.e+-]+)$", first, second, 1e-4, 1)


MNIST_ARGS = ["--data", MNIST, "--train-limit", 64, "--test-limit", 100, "--log-interval", 1]


def test_mnist_example(tmp_path):
    # one batch of 64 per epoch: the shuffle cannot change a step; the dropout masks differ, and
    # torch alone, from the same weights with seeds 1-4, spreads its first loss by 2%, its later
    # step losses by up to 25% and its test losses by up to 15%
    first, second = run_both("mnist.py", MNIST_ARGS + ["--epochs", 4], tmp_path)
    first_losses = [runner.floats(r"Loss: ([\d.]+)", text)[0] for text in (first, second)]
    assert first_losses[1] == pytest.approx(first_losses[0], rel=0.05)  # from the shared weights
    same_curve(r"Loss: ([\d.]+)", first, second, 0.35, 4)
    test = same_curve(r"Average loss: ([\d.]+)", first, second, 0.3, 4)
    ours = runner.floats(r"Average loss: ([\d.]+)", second)
    assert ours[-1] < 0.95 * ours[0] and test[-1] < 0.95 * test[0]  # it learns


def test_mnist_rnn_example(tmp_path):
    # LSTM rows -> BatchNorm1d -> Dropout2d (on 2-D input: torch's deprecated form, kept) -> two linears
    # (torch with seeds 1-4: step losses within 3%, test losses within 0.1%)
    first, second = run_both("mnist_rnn.py", MNIST_ARGS + ["--epochs", 4, "--lr", 1.0], tmp_path)
    train = same_curve(r"Loss: ([\d.]+)", first, second, 0.06, 4)
    same_curve(r"Average loss: ([\d.]+)", first, second, 0.01, 4)
    ours = runner.floats(r"Loss: ([\d.]+)", second)
    assert ours[-1] < ours[0] and train[-1] < train[0]


def test_vae_example(tmp_path):
    # one batch per epoch; the reparameterization noise (randn_like) is each framework's own
    # (torch with seeds 1-4: losses within 0.5%)
    first, second = run_both("vae.py", ["--data", MNIST, "--train-limit", 128, "--test-limit", 128, "--epochs", 3,
                                        "--log-interval", 1], tmp_path)
    train = same_curve(r"Loss: ([\d.]+)", first, second, 0.02, 3)
    assert train[-1] < 0.95 * train[0]
    same_curve(r"Test set loss: ([\d.]+)", first, second, 0.02, 3)
    assert "Samples: (64, 784)" in second


def test_mnist_forward_forward_example(tmp_path):
    # full-batch layer-local training; the wrong labels of the negative data come from randperm
    first, second = run_both("mnist_forward_forward.py", ["--data", MNIST, "--train-size", 300, "--test-size", 200,
                                                          "--epochs", 30, "--log-interval", 10, "--dims", 784, 64, 64],
                             tmp_path)
    losses = same_curve(r"Loss: ([\d.]+)", first, second, 0.01, 6)
    assert losses[2] < losses[0] and losses[5] < losses[3]  # each layer's loss falls
    for what in ("train error", "test error"):
        a, b = runner.floats(what + r": ([\d.]+)", first)[0], runner.floats(what + r": ([\d.]+)", second)[0]
        assert abs(a - b) < 0.1, (what, a, b)


def test_regression_example(tmp_path):
    # fresh random batches each step: both fits must reach the loss bound and the shared target
    first, second = run_both("regression.py", ["--max-batches", 5000], tmp_path)
    for text in (first, second):
        loss, batches = runner.floats(r"Loss: ([\d.]+) after (\d+) batches", text)
        assert loss < 1e-3 and batches < 5000
        learned = runner.floats(r"([+-][\d.]+)", text.split("Learned function:")[1].splitlines()[0])
        actual = runner.floats(r"([+-][\d.]+)", text.split("Actual function:")[1].splitlines()[0])
        np.testing.assert_allclose(learned, actual, atol=0.15)
    assert first.split("Actual function:")[1] == second.split("Actual function:")[1]


def test_time_sequence_prediction_example(tmp_path):
    # float64 LSTMCells, LBFGS with its closure: deterministic, so every closure loss agrees
    first, second = run_both("time_sequence_prediction.py", ["--steps", 1, "--waves", 8, "--length", 40,
                                                             "--future", 20], tmp_path)
    losses = same_curve(r"^loss: ([\d.e-]+)$", first, second, 1e-6, 10)
    assert losses[-1] < 0.1 * losses[0]
    same_curve(r"test loss: ([\d.e-]+)", first, second, 1e-5, 1)


@pytest.fixture
def corpus(tmp_path):
    return runner.write_corpus(str(tmp_path / "corpus"))


WLM_ARGS = ["--emsize", 32, "--nhid", 32, "--nlayers", 2, "--batch_size", 10, "--bptt", 20, "--dropout", 0,
            "--log-interval", 5]


@pytest.mark.parametrize("model,extra", [("LSTM", ["--tied", "--epochs", 2, "--lr", 20]),
                                         ("GRU", ["--epochs", 2, "--lr", 5]),
                                         ("RNN_TANH", ["--epochs", 1, "--lr", 1])])
def test_word_language_model_example(model, extra, corpus, tmp_path):
    # no dropout: truncated BPTT, clip_grad_norm_ and the hand-written SGD step are deterministic
    first, second = run_both("word_language_model/main.py", ["--data", corpus, "--model", model] + WLM_ARGS + extra,
                             tmp_path)
    train = same_curve(r"\| loss ([\d.]+)", first, second, 2e-4, 3)
    valid = same_curve(r"valid loss ([\d.]+)", first, second, 2e-4, 1)
    same_curve(r"test loss ([\d.]+)", first, second, 2e-4, 1)
    assert train[-1] < train[0] and valid[-1] < math.log(121)  # better than guessing among the 121 words
    if model == "LSTM":  # generate.py samples from the saved model (multinomial draws: each framework's own)
        words = sample_words(corpus, tmp_path, ["--model", "LSTM", "--emsize", 32, "--nhid", 32, "--nlayers", 2,
                                                "--tied"])
        assert 0.05 < words.count("<eos>") / len(words) < 0.9  # sentences end, as in training (~1 in 10)


def sample_words(corpus, tmp_path, architecture):
    """The words generate.py writes in each run's folder from the model main.py saved there."""
    args = ["--data", corpus, "--words", 60, "--log-interval", 20] + architecture
    vocabulary = set(open(os.path.join(corpus, "train.txt")).read().split()) | {"<eos>"}
    for backend, folder in (("torch", tmp_path), ("unigrad", tmp_path / "ug")):
        out = runner.run("word_language_model/generate.py", args, backend, cwd=folder)
        assert "| Generated 40/60 words" in out
        words = open(folder / "generated.txt").read().split()
        assert len(words) == 60 and set(words) <= vocabulary
    return words


def test_word_language_model_transformer(corpus, tmp_path):
    # nn.Transformer's encoder layers keep their default dropout (0.1): each framework's own masks
    first, second = run_both("word_language_model/main.py",
                             ["--data", corpus, "--model", "Transformer", "--emsize", 32, "--nhid", 64, "--nlayers", 1,
                              "--nhead", 2, "--batch_size", 10, "--bptt", 20, "--dropout", 0, "--log-interval", 5,
                              "--epochs", 1, "--lr", 0.5], tmp_path)
    train = same_curve(r"\| loss ([\d.]+)", first, second, 0.05, 3)
    assert train[-1] < train[0]
    same_curve(r"test loss ([\d.]+)", first, second, 0.05, 1)


def test_tutorial_language_model(corpus, tmp_path):
    first, second = run_both("language_model/main.py", ["--data", corpus, "--embed-size", 32, "--hidden-size", 64,
                                                        "--num-epochs", 2, "--batch-size", 10, "--seq-length", 20,
                                                        "--log-every", 4, "--num-samples", 100], tmp_path)
    losses = same_curve(r"Loss: ([\d.]+)", first, second, 2e-4, 6)
    assert losses[-1] < losses[0]
    words = open(tmp_path / "ug" / "sample.txt").read().split()
    vocabulary = set(open(os.path.join(corpus, "train.txt")).read().split())
    assert len(words) > 80 and set(words) <= vocabulary  # 100 draws, minus the <eos> line breaks


ONE_BATCH = ["--data", MNIST, "--train-limit", 32, "--batch-size", 32, "--test-limit", 64, "--log-every", 1]


@pytest.mark.parametrize("name,extra", [
    ("tutorial_cnn.py", ["--num-epochs", 4]),
    ("tutorial_rnn.py", ["--num-epochs", 4, "--hidden-size", 32]),
    ("tutorial_rnn.py", ["--num-epochs", 4, "--hidden-size", 32, "--bidirectional", "--learning-rate", 0.003]),
    ("tutorial_resnet.py", ["--num-epochs", 3, "--decay-every", 2, "--layers", 1, 1, 1, "--no-augment"])],
    ids=["cnn", "rnn", "bidirectional_rnn", "resnet"])
def test_tutorial_collection_classifiers(name, extra, tmp_path):
    first, second = run_both(name, ONE_BATCH + extra, tmp_path)
    losses = same_curve(r"Loss: ([\d.]+)", first, second, 2e-3, 3)
    assert losses[-1] < losses[0]
    a, b = (runner.floats(r"test images: ([\d.]+) %", text)[0] for text in (first, second))
    assert abs(a - b) <= 100 / 64 + 1e-9  # at most one of the 64 test images predicted differently


def test_resnet_augmentation_runs(tmp_path):
    # random crops and flips (each framework's draws): one step, the loss stays finite and near ln 10
    _, second = run_both("tutorial_resnet.py", ONE_BATCH + ["--num-epochs", 1, "--layers", 1, 1, 1], tmp_path)
    assert abs(runner.floats(r"Loss: ([\d.]+)", second)[0] - math.log(10)) < 1.0


def test_two_inputs_given_one_gradient_array_get_separate_grads():
    # the LSTM's two biases receive the same gradient from its fused backward; if their .grads
    # shared memory, clip_grad_norm_ scaled them twice (word_language_model diverged from torch)
    lstm = ug.nn.LSTM(3, 4)
    out, _ = lstm(ug.randn(5, 2, 3))
    out.sum().backward()
    a, b = lstm.bias_ih_l0.grad, lstm.bias_hh_l0.grad
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    a.mul_(0.5)
    assert not np.array_equal(a.numpy(), b.numpy())


def test_a_rewritten_program_runs_as_a_users_script(tmp_path):
    # what a user does: change the import in their copy and run it with python
    source = open(os.path.join(runner.PROGRAMS, "mnist.py")).read()
    (tmp_path / "mnist.py").write_text(runner.as_unigrad(source))
    shutil.copy(os.path.join(runner.PROGRAMS, "mnist_files.py"), tmp_path)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    args = ["--data", MNIST, "--train-limit", "64", "--test-limit", "100", "--epochs", "1", "--save-model"]
    proc = subprocess.run([sys.executable, "mnist.py"] + args, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Train Epoch: 1 [0/64 (0%)]" in proc.stdout and "Test set: Average loss" in proc.stdout
    state = ug.load(str(tmp_path / "mnist_cnn.pt"))  # --save-model: torch.save(model.state_dict(), ...)
    assert tuple(state["fc1.weight"].shape) == (128, 9216)
