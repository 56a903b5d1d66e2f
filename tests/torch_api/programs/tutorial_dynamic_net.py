"""'Learning PyTorch with Examples', part 7 (control flow and weight sharing): a polynomial of
degree 3 to 5 chosen at random on each forward pass, the terms of degree 4 and 5 sharing one
parameter e; SGD with momentum. Deviation: Python's random is seeded (--seed), so two runs draw
the same degrees."""
import argparse
import math
import random

import torch


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

    def string(self):
        return (f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + "
                f"{self.e.item()} x^4 ? + {self.e.item()} x^5 ?")


parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=30000)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--init")
parser.add_argument("--save-init")
args = parser.parse_args()
random.seed(args.seed)

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

model = DynamicNet()
if args.init:
    model.load_state_dict(torch.load(args.init))
if args.save_init:
    torch.save(model.state_dict(), args.save_init)

criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
for t in range(args.steps):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 2000 == 1999:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f"Result: {model.string()}")
