"""PyTorch's classic dynamic-graph example with only the import changed: the loss is chosen
by ordinary Python control flow at every step, and it falls."""
import unigrad as torch
import unigrad.nn as nn
import unigrad.optim as optim

torch.manual_seed(0)
x = torch.randn(256, 10)
true_w = torch.randn(10, 1)
y = x @ true_w + 0.3

model = nn.Linear(10, 1)
l1, mse = nn.L1Loss(), nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.0005)

first = None
for step in range(3000):
    pred = model(x)
    loss = mse(pred, y) if step % 2 == 0 else l1(pred, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 500 == 0 or step == 2999:
        with torch.no_grad():
            total = mse(model(x), y).item()
        first = total if first is None else first
        print(f"step {step:3d}: {'MSE' if step % 2 == 0 else 'L1 '} loss {loss.item():.4f}, full MSE {total:.4f}")
print(f"MSE fell from {first:.4f} to {total:.4f}")
