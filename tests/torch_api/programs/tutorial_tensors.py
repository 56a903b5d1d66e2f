"""'Learning PyTorch with Examples', part 1 (tensors): fit y = sin(x) on [-pi, pi] with a cubic
a + b x + c x^2 + d x^3, computing the gradients by hand with tensor operations and stepping
the coefficients in place. --init/--save-init carry the random initial coefficients."""
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

a = torch.randn((), device=device, dtype=dtype)
b = torch.randn((), device=device, dtype=dtype)
c = torch.randn((), device=device, dtype=dtype)
d = torch.randn((), device=device, dtype=dtype)
if args.init:
    start = torch.load(args.init)
    a, b, c, d = (start[k].clone() for k in "abcd")
if args.save_init:
    torch.save({"a": a, "b": b, "c": c, "d": d}, args.save_init)

learning_rate = 1e-6
for t in range(args.steps):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum().item()
    if t % 100 == 99:
        print(t, loss)
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d

print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")
