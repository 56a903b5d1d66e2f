"""The official PyTorch example 'regression': fit a random polynomial of degree 4 with one
nn.Linear on the features (x, x^2, x^3, x^4) of fresh random batches, smooth L1 loss and a
hand-written SGD step on param.data, until the loss is under 1e-3. Deviations: --init/--save-init
carry the target and the layer's initial weights between two runs; --max-batches bounds a run."""
import argparse
from itertools import count

import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--max-batches", type=int, default=100000)
parser.add_argument("--init")
parser.add_argument("--save-init")
args = parser.parse_args()

POLY_DEGREE = 4
W_target = torch.randn(POLY_DEGREE, 1) * 5
b_target = torch.randn(1) * 5


def make_features(x):
    """A matrix with columns [x, x^2, x^3, x^4]."""
    x = x.unsqueeze(1)
    return torch.cat([x ** i for i in range(1, POLY_DEGREE + 1)], 1)


def f(x):
    """The function to learn."""
    return x.mm(W_target) + b_target.item()


def poly_desc(W, b):
    result = "y = "
    for i, w in enumerate(W):
        result += "{:+.2f} x^{} ".format(w, i + 1)
    result += "{:+.2f}".format(b[0])
    return result


def get_batch(batch_size=32):
    random = torch.randn(batch_size)
    x = make_features(random)
    y = f(x)
    return x, y


fc = torch.nn.Linear(W_target.size(0), 1)
if args.init:
    state = torch.load(args.init)
    W_target, b_target = state["W_target"], state["b_target"]
    fc.load_state_dict({"weight": state["weight"], "bias": state["bias"]})
if args.save_init:
    torch.save({"W_target": W_target, "b_target": b_target, **fc.state_dict()}, args.save_init)

for batch_idx in count(1):
    batch_x, batch_y = get_batch()
    fc.zero_grad()
    output = F.smooth_l1_loss(fc(batch_x), batch_y)
    loss = output.item()
    output.backward()
    for param in fc.parameters():
        param.data.add_(-0.1 * param.grad)
    if loss < 1e-3 or batch_idx >= args.max_batches:
        break

print("Loss: {:.6f} after {} batches".format(loss, batch_idx))
print("==> Learned function:\t" + poly_desc(fc.weight.view(-1), fc.bias))
print("==> Actual function:\t" + poly_desc(W_target.view(-1), b_target))
