"""'Learning PyTorch with Examples', part 2 (autograd): the cubic fit of sin(x) with tensors that
require grad; loss.backward() gives the gradients and the update runs under torch.no_grad()."""
import argparse
import math

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=2000)
parser.add_argument("--init")
parser.add_argument("--save-init")
args = parser.parse_args()

dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

a = torch.randn((), device=device, dtype=dtype, requires_grad=True)
b = torch.randn((), device=device, dtype=dtype, requires_grad=True)
c = torch.randn((), device=device, dtype=dtype, requires_grad=True)
d = torch.randn((), device=device, dtype=dtype, requires_grad=True)
if args.init:
    start = torch.load(args.init)
    a, b, c, d = (start[k].clone().requires_grad_(True) for k in "abcd")
if args.save_init:
    torch.save({"a": a.detach(), "b": b.detach(), "c": c.detach(), "d": d.detach()}, args.save_init)

learning_rate = 1e-6
for t in range(args.steps):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")
