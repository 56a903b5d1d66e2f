"""The official PyTorch example 'mnist_forward_forward' (Hinton's Forward-Forward algorithm):
each layer (a subclass of nn.Linear with its own Adam optimizer and train method) is trained
on its own to give a high 'goodness' (mean square activation) for images with their true label
written into the first 10 pixels and a low one for images with a wrong label; the prediction is
the label with the highest goodness summed over layers. Deviations: MNIST from IDX files (one
batch of --train-size / --test-size images), the per-layer loss printed every --log-interval
epochs, --init/--save-init carry the layers' initial weights."""
import argparse

import torch
import torch.nn as nn
from torch.optim import Adam
from torch.utils.data import DataLoader, TensorDataset

import mnist_files


def mnist_loaders(folder, train_batch_size, test_batch_size):
    def dataset(train, limit):
        images, labels = mnist_files.load(folder, train, limit)
        x = (torch.from_numpy(images).float().div(255) - 0.1307) / 0.3081
        return TensorDataset(torch.flatten(x, start_dim=1), torch.from_numpy(labels))
    return (DataLoader(dataset(True, train_batch_size), batch_size=train_batch_size, shuffle=True),
            DataLoader(dataset(False, test_batch_size), batch_size=test_batch_size, shuffle=False))


def overlay_y_on_x(x, y):
    """x with its first 10 pixels replaced by the one-hot label y (at x's maximum)."""
    x_ = x.clone()
    x_[:, :10] *= 0.0
    x_[range(x.shape[0]), y] = x.max()
    return x_


class Net(torch.nn.Module):
    def __init__(self, dims, args):
        super().__init__()
        self.layers = []
        for d in range(len(dims) - 1):
            self.layers += [Layer(dims[d], dims[d + 1], args)]

    def predict(self, x):
        goodness_per_label = []
        for label in range(10):
            h = overlay_y_on_x(x, label)
            goodness = []
            for layer in self.layers:
                h = layer(h)
                goodness += [h.pow(2).mean(1)]
            goodness_per_label += [sum(goodness).unsqueeze(1)]
        goodness_per_label = torch.cat(goodness_per_label, 1)
        return goodness_per_label.argmax(1)

    def train(self, x_pos, x_neg):
        h_pos, h_neg = x_pos, x_neg
        for i, layer in enumerate(self.layers):
            print("training layer", i, "...")
            h_pos, h_neg = layer.train(h_pos, h_neg)


class Layer(nn.Linear):
    def __init__(self, in_features, out_features, args, bias=True, device=None, dtype=None):
        super().__init__(in_features, out_features, bias, device, dtype)
        self.relu = torch.nn.ReLU()
        self.opt = Adam(self.parameters(), lr=args.lr)
        self.threshold = args.threshold
        self.num_epochs = args.epochs
        self.log_interval = args.log_interval

    def forward(self, x):
        x_direction = x / (x.norm(2, 1, keepdim=True) + 1e-4)
        return self.relu(torch.mm(x_direction, self.weight.T) + self.bias.unsqueeze(0))

    def train(self, x_pos, x_neg):
        for i in range(self.num_epochs):
            g_pos = self.forward(x_pos).pow(2).mean(1)
            g_neg = self.forward(x_neg).pow(2).mean(1)
            # push positive goodness above the threshold and negative goodness below it
            loss = torch.log(1 + torch.exp(torch.cat([-g_pos + self.threshold, g_neg - self.threshold]))).mean()
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            if i % self.log_interval == 0:
                print(f"Loss: {loss.item():.6f}")
        return self.forward(x_pos).detach(), self.forward(x_neg).detach()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--lr", type=float, default=0.03)
    parser.add_argument("--no-accel", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save-model", action="store_true")
    parser.add_argument("--train-size", type=int, default=50000)
    parser.add_argument("--threshold", type=float, default=2)
    parser.add_argument("--test-size", type=int, default=10000)
    parser.add_argument("--log-interval", type=int, default=10)
    parser.add_argument("--dims", type=int, nargs="+", default=[784, 500, 500])
    parser.add_argument("--data", default="./data/")
    parser.add_argument("--init")
    parser.add_argument("--save-init")
    args = parser.parse_args()
    use_accel = not args.no_accel and torch.accelerator.is_available()
    device = torch.accelerator.current_accelerator() if use_accel else torch.device("cpu")
    torch.manual_seed(args.seed)

    train_loader, test_loader = mnist_loaders(args.data, args.train_size, args.test_size)
    net = Net(args.dims, args)
    if args.init:
        state = torch.load(args.init)
        for i, layer in enumerate(net.layers):
            layer.load_state_dict({k: state[f"layers.{i}.{k}"] for k in ("weight", "bias")})
    if args.save_init:
        torch.save({f"layers.{i}.{k}": v for i, layer in enumerate(net.layers) for k, v in layer.state_dict().items()},
                   args.save_init)
    x, y = next(iter(train_loader))
    x, y = x.to(device), y.to(device)
    x_pos = overlay_y_on_x(x, y)
    rnd = torch.randperm(x.size(0))
    x_neg = overlay_y_on_x(x, y[rnd])
    net.train(x_pos, x_neg)
    print("train error:", 1.0 - net.predict(x).eq(y).float().mean().item())

    x_te, y_te = next(iter(test_loader))
    x_te, y_te = x_te.to(device), y_te.to(device)
    if args.save_model:
        torch.save(net.state_dict(), "mnist_ff.pt")
    print("test error:", 1.0 - net.predict(x_te).eq(y_te).float().mean().item())


if __name__ == "__main__":
    main()
