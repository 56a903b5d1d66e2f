"""Shared pieces of the MNIST examples: data location, training loop, evaluation."""
import argparse
import os
import time

import unigrad as ug

SHARED_MNIST = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets", "mnist")


def mnist_root():
    """The project's shared copy when present, else the user cache (downloaded on demand)."""
    return SHARED_MNIST if os.path.isdir(SHARED_MNIST) else None


def evaluate(model, loader, device):
    model.eval()
    correct = total = 0
    with ug.no_grad():
        for x, y in loader:
            pred = model(x.to(device)).argmax(1)
            correct += int((pred == y.to(device)).sum().item())
            total += y.shape[0]
    model.train()
    return correct / total


def train(model, opt, epochs, device, batch_size=64, limit=None, scheduler=None):
    train_set = ug.data.MNIST(mnist_root(), train=True, download=True)
    test_set = ug.data.MNIST(mnist_root(), train=False, download=True)
    loader = ug.data.DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True)
    test_loader = ug.data.DataLoader(test_set, batch_size=1000)
    start = time.perf_counter()
    for epoch in range(epochs):
        seen = 0
        for step, (x, y) in enumerate(loader):
            loss = ug.nn.functional.cross_entropy(model(x.to(device)), y.to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += 1
            if limit and seen >= limit:
                break
        if scheduler is not None:
            scheduler.step()
        acc = evaluate(model, test_loader, device)
        print(f"epoch {epoch + 1}: last loss {loss.item():.4f}, test accuracy {acc * 100:.2f}% "
              f"({time.perf_counter() - start:.1f}s)")
    return acc


def run_example(description, build, epochs, batch_size, lr, out, make_scheduler):
    """Parse --epochs/--limit/--out, train `build()` with SGD, evaluate, export safetensors."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--limit", type=int, default=None, help="stop each epoch after this many steps")
    parser.add_argument("--out", default=out)
    args = parser.parse_args()
    ug.manual_seed(0)
    device = "cuda" if ug.cuda.is_available() else "cpu"
    model = build().to(device)
    opt = ug.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    sched = make_scheduler(opt, args.epochs)
    start = time.perf_counter()
    acc = train(model, opt, args.epochs, device, batch_size=batch_size, limit=args.limit, scheduler=sched)
    ug.save(model.state_dict(), args.out)
    print(f"final test accuracy {acc * 100:.2f}% in {time.perf_counter() - start:.1f}s on {device}; "
          f"weights written to {args.out}")
    return acc
