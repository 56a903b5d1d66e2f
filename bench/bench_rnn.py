"""Recurrent benchmarks: unigrad vs PyTorch 2.13 CPU eager in one process, printing ratios.

The LSTM language-model training step of PyTorch's word_language_model example (2 layers,
hidden 200, embedding 200, sequence 35, batch 20, dropout 0.2, gradient clipping 0.25, the
example's plain SGD update), eager and compiled (ug.jit of the whole step), and the recurrent
layers alone (forward + backward of a 2-layer stack).

Two tables: wall-clock medians with both libraries on 2 threads (the machine as a user has it),
and CPU time with both on one thread (process_time, so the neighbours' load on a shared VM moves
it little: it counts the work each library does, not the time it waited for a core).

python bench/bench_rnn.py [--vocab 10000] [--write docs/benchmarks.md]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from bench_core import _write_section, machine_line  # noqa: E402
from harness import interleaved  # noqa: E402

torch.set_num_threads(2)
SEQ, BATCH, HIDDEN, LAYERS = 35, 20, 200, 2


def language_model(lib, vocab, kind="LSTM"):
    nn = lib.nn

    class RNNModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(0.2)
            self.encoder = nn.Embedding(vocab, HIDDEN)
            self.rnn = getattr(nn, kind)(HIDDEN, HIDDEN, LAYERS, dropout=0.2)
            self.decoder = nn.Linear(HIDDEN, vocab)

        def forward(self, input, hidden):
            output, hidden = self.rnn(self.drop(self.encoder(input)), hidden)
            return self.decoder(self.drop(output)).view(-1, vocab), hidden
    return RNNModel()


def lm_step(lib, vocab, compiled=False, kind="LSTM"):
    """The example's train() body for one batch, as a zero-argument callable."""
    model = language_model(lib, vocab, kind)
    rng = np.random.default_rng(0)
    data, targets = lib.tensor(rng.integers(0, vocab, (SEQ, BATCH))), lib.tensor(rng.integers(0, vocab, SEQ * BATCH))
    zeros = lib.zeros(LAYERS, BATCH, HIDDEN)
    state = {"hidden": (zeros, zeros) if kind == "LSTM" else zeros}

    def step(data, targets, hidden):
        model.zero_grad()
        output, hidden = model(data, hidden)
        loss = lib.nn.functional.cross_entropy(output, targets)
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-20.0)
        return loss, hidden

    run = ug.jit(step) if compiled else step

    def call():
        h = state["hidden"]
        h = tuple(v.detach() for v in h) if isinstance(h, tuple) else h.detach()  # repackage_hidden
        _, state["hidden"] = run(data, targets, h)
    return call


def rnn_stack(lib, kind):
    layer = getattr(lib.nn, kind)(HIDDEN, HIDDEN, LAYERS)
    x = lib.tensor(np.random.default_rng(0).standard_normal((SEQ, BATCH, HIDDEN)).astype(np.float32),
                   requires_grad=True)

    def call():
        x.grad = None
        layer.zero_grad()
        out, _ = layer(x)
        out.sum().backward()
    return call


def cpu_rounds(candidates, rounds=7, calls=5, warmup=3):
    """name -> (median, best) process CPU milliseconds per call, every library on one thread,
    candidates interleaved call block by call block (no settling pauses: idle time is not CPU time)."""
    from threadpoolctl import threadpool_limits
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            t = interleaved(candidates, rounds, calls, warmup, settle=0, warm_s=0, clock=time.process_time)
    finally:
        torch.set_num_threads(threads)
    return {k: (t[k] * 1e3, t.best[k] * 1e3) for k in t}


def _table(rows, unit):
    lines = [f"| benchmark | unigrad {unit} | PyTorch 2.13 {unit} | ratio | best rounds | target |",
             "|---|---|---|---|---|---|"]
    for name, med, best, key, target in rows:
        ratio, best_ratio = med[key] / med["torch"], best[key] / best["torch"]
        mark = "" if target is None else f"≤ {target} " + ("✓" if ratio <= target else "✗")
        lines.append(f"| {name} | {med[key]:.1f} | {med['torch']:.1f} | {ratio:.2f} | {best_ratio:.2f} | {mark} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vocab", type=int, default=10000)
    parser.add_argument("--write", help="write the markdown table to this file")
    parser.add_argument("--clock", choices=("both", "wall", "cpu"), default="both",
                        help="which table(s) to measure (wall clock with 2 threads, CPU time with 1)")
    args = parser.parse_args()
    use_wall, use_cpu = args.clock in ("both", "wall"), args.clock in ("both", "cpu")
    wall, cpu = [], []
    lm_name = f"LSTM LM train step (vocab {args.vocab})"

    def lm_candidates():
        return {"unigrad": lm_step(ug, args.vocab), "compiled": lm_step(ug, args.vocab, compiled=True),
                "torch": lm_step(torch, args.vocab)}
    if use_wall:
        lm = interleaved(lm_candidates(), rounds=7, calls=5).scaled(1e3)
        wall += [(lm_name + ", eager", lm, lm.best, "unigrad", 1.0),
                 (lm_name + ", compiled", lm, lm.best, "compiled", 1.0)]
    if use_cpu:
        c = cpu_rounds(lm_candidates())
        med, best = {k: v[0] for k, v in c.items()}, {k: v[1] for k, v in c.items()}
        cpu += [(lm_name + ", eager", med, best, "unigrad", 1.0), (lm_name + ", compiled", med, best, "compiled", 1.0)]
    for kind in ("LSTM", "GRU", "RNN"):
        name = f"{kind} 2x{HIDDEN}, seq {SEQ}, batch {BATCH}: forward + backward"
        if use_wall:
            r = interleaved({"unigrad": rnn_stack(ug, kind), "torch": rnn_stack(torch, kind)}, rounds=7, calls=10)
            r = r.scaled(1e3)
            wall.append((name, r, r.best, "unigrad", None))
        if use_cpu:
            c = cpu_rounds({"unigrad": rnn_stack(ug, kind), "torch": rnn_stack(torch, kind)}, calls=10)
            cpu.append((name, {k: v[0] for k, v in c.items()}, {k: v[1] for k, v in c.items()}, "unigrad", None))
    parts = []
    if wall:
        parts.append("Wall clock, 2 threads each (medians of interleaved rounds):\n\n" + _table(wall, "ms"))
    if cpu:
        parts.append("CPU time, 1 thread each (process_time per call, medians of interleaved rounds):\n\n"
                     + _table(cpu, "CPU ms"))
    table = "\n\n".join(parts)
    machine = machine_line()
    print(machine)
    print(table)
    if args.write:
        _write_section(args.write, machine, table, tag="rnn-bench",
                       command=f"python bench/bench_rnn.py --clock {args.clock} --write docs/benchmarks.md")


if __name__ == "__main__":
    main()
