"""Shared pieces of the MNIST examples: where the data is, the training loop with a progress bar,
evaluation, and the command line every example takes (--data DIR, --epochs, --limit, --out)."""
import argparse
import sys
import time

import unigrad as ug

try:  # the progress bar within epochs; without tqdm the examples print one line per epoch only
    from tqdm import tqdm
except ImportError:  # pragma: no cover - tqdm is a dependency of the examples, but a bare install may lack it
    tqdm = None


def add_data_argument(parser):
    parser.add_argument("--data", metavar="DIR", default=None,
                        help="a folder holding the four MNIST IDX files (raw or .gz), or a mnist/ folder with them "
                             "(default: $UNIGRAD_DATA, ~/.cache/unigrad/mnist, a download there, else the small "
                             "subset shipped with unigrad)")


def mnist(data=None):
    """(train set, test set) from `data`, $UNIGRAD_DATA, the cache, a download or the shipped
    subset, printing which."""
    try:
        root, note = ug.data.mnist.locate(data, download=True)
    except ug.DataError as exc:  # a --data folder without MNIST: the message says what to do; no traceback
        sys.exit(f"error: {exc}")
    train_set, test_set = ug.data.MNIST(root, train=True), ug.data.MNIST(root, train=False)
    print(f"data: {len(train_set)} training / {len(test_set)} test images: {note}", flush=True)
    return train_set, test_set


def progress(iterable, total, desc):
    """`iterable` with a tqdm bar (on stderr) when tqdm is installed."""
    if tqdm is None:
        return iterable
    return tqdm(iterable, total=total, desc=desc, unit="batch", leave=False, mininterval=0.5, dynamic_ncols=True)


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


def tensorboard_writer(logdir):
    """A SummaryWriter into `logdir` (None: no TensorBoard logging)."""
    if logdir is None:
        return None
    try:
        from unigrad.utils.tensorboard import SummaryWriter
    except ImportError as exc:
        sys.exit(f"error: --logdir needs {exc}")
    return SummaryWriter(logdir)


def train(model, opt, epochs, device, data=None, batch_size=64, limit=None, scheduler=None, writer=None):
    train_set, test_set = mnist(data)
    loader = ug.data.DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True)
    test_loader = ug.data.DataLoader(test_set, batch_size=1000)
    steps = len(train_set) // batch_size if limit is None else min(limit, len(train_set) // batch_size)
    start = time.perf_counter()
    for epoch in range(epochs):
        bar = progress(loader, steps, f"epoch {epoch + 1}/{epochs}")
        for step, (x, y) in enumerate(bar):
            loss = ug.nn.functional.cross_entropy(model(x.to(device)), y.to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % 20 == 0:
                value = loss.item()
                if tqdm is not None:
                    bar.set_postfix(loss=f"{value:.4f}", refresh=False)
                if writer is not None:
                    writer.add_scalar("train/loss", value, epoch * steps + step)
            if step + 1 >= steps:
                break
        if tqdm is not None:
            bar.close()
        if scheduler is not None:
            scheduler.step()
        acc = evaluate(model, test_loader, device)
        if writer is not None:
            writer.add_scalar("test/accuracy", acc, epoch + 1)
            writer.flush()
        print(f"epoch {epoch + 1}: last loss {loss.item():.4f}, test accuracy {acc * 100:.2f}% "
              f"({time.perf_counter() - start:.1f}s)", flush=True)
    return acc


def run_example(description, build, epochs, batch_size, lr, out, make_scheduler, export=None):
    """Parse --data/--epochs/--limit/--out, train `build()` with SGD, evaluate, export safetensors;
    then `export(model, device)` (the model in eval mode), when given."""
    parser = argparse.ArgumentParser(description=description)
    add_data_argument(parser)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--limit", type=int, default=None, help="stop each epoch after this many steps")
    parser.add_argument("--out", default=out)
    parser.add_argument("--logdir", metavar="DIR", default=None,
                        help="write TensorBoard event files there (train loss, test accuracy, the model's graph)")
    args = parser.parse_args()
    ug.manual_seed(0)
    device = "cuda" if ug.cuda.is_available() else "cpu"
    model = build().to(device)
    opt = ug.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    sched = make_scheduler(opt, args.epochs)
    writer = tensorboard_writer(args.logdir)
    if writer is not None:
        writer.add_graph(model, ug.zeros(1, 1, 28, 28, device=device))
    start = time.perf_counter()
    acc = train(model, opt, args.epochs, device, data=args.data, batch_size=batch_size, limit=args.limit,
                scheduler=sched, writer=writer)
    if writer is not None:
        writer.close()
        print(f"TensorBoard logs in {args.logdir} (tensorboard --logdir {args.logdir})")
    ug.save(model.state_dict(), args.out)
    print(f"final test accuracy {acc * 100:.2f}% in {time.perf_counter() - start:.1f}s on {device}; "
          f"weights written to {args.out}")
    if export is not None:
        export(model.eval(), device)
    return acc
