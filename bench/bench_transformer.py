"""Transformer benchmarks: unigrad vs PyTorch 2.13 CPU eager in one process, printing ratios.

A TransformerEncoderLayer training step (d_model 256, 8 heads, feed-forward 1024, batch 16,
sequence 64, batch_first, dropout 0.1, a key padding mask, SGD), eager and compiled (ug.jit of
the whole step), and F.scaled_dot_product_attention alone (forward + backward).

python bench/bench_transformer.py [--write docs/benchmarks.md]
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import unigrad as ug  # noqa: E402
from bench_core import _write_section, machine_line  # noqa: E402
from harness import interleaved  # noqa: E402

torch.set_num_threads(2)
BATCH, SEQ, D_MODEL, HEADS, FF = 16, 64, 256, 8, 1024


def encoder_step(lib, compiled=False):
    layer = lib.nn.TransformerEncoderLayer(D_MODEL, HEADS, FF, dropout=0.1, batch_first=True)
    head = lib.nn.Linear(D_MODEL, 10)
    opt = lib.optim.SGD(list(layer.parameters()) + list(head.parameters()), lr=0.01)
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((BATCH, SEQ, D_MODEL)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, BATCH))
    pad = np.zeros((BATCH, SEQ), bool)
    pad[::2, SEQ * 3 // 4:] = True          # half the sequences end early
    pad = lib.tensor(pad)

    def step(x, y, pad):
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(head(layer(x, src_key_padding_mask=pad).mean(dim=1)), y)
        loss.backward()
        opt.step()
        return loss
    run = ug.jit(step) if compiled else step
    return lambda: run(x, y, pad)


def attention(lib):
    rng = np.random.default_rng(1)
    q, k, v = (lib.tensor(rng.standard_normal((BATCH, HEADS, SEQ, D_MODEL // HEADS)).astype(np.float32),
                          requires_grad=True) for _ in range(3))

    def call():
        for t in (q, k, v):
            t.grad = None
        lib.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True).sum().backward()
    return call


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", help="write the markdown table to this file")
    args = parser.parse_args()
    step = interleaved({"unigrad": encoder_step(ug), "compiled": encoder_step(ug, compiled=True),
                        "torch": encoder_step(torch)}, rounds=5, calls=5).scaled(1e3)
    sdpa = interleaved({"unigrad": attention(ug), "torch": attention(torch)}, rounds=5, calls=10).scaled(1e3)
    rows = [("TransformerEncoderLayer train step, eager", step, "unigrad"),
            ("TransformerEncoderLayer train step, compiled", step, "compiled"),
            (f"scaled_dot_product_attention ({BATCH}x{HEADS}x{SEQ}x{D_MODEL // HEADS}, causal): fwd + bwd", sdpa,
             "unigrad")]
    lines = ["| benchmark | unigrad ms | PyTorch 2.13 ms | ratio | best rounds |", "|---|---|---|---|---|"]
    for name, r, key in rows:
        lines.append(f"| {name} | {r[key]:.1f} | {r['torch']:.1f} | {r[key] / r['torch']:.2f} | "
                     f"{r.best[key] / r.best['torch']:.2f} |")
    table = "\n".join(lines)
    machine = machine_line()
    print(machine)
    print(table)
    if args.write:
        _write_section(args.write, machine, table, tag="transformer-bench",
                       command="python bench/bench_transformer.py --write docs/benchmarks.md")


if __name__ == "__main__":
    main()
