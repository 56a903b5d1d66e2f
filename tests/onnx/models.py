"""The models the ONNX tests export and import: an MLP, LeNet, a ResNet-style net with BatchNorm
and residual adds, a transformer encoder block, a function with ug.cond, and an LSTM/GRU language model."""
import math

import numpy as np

import unigrad as ug

nn = ug.nn


def mlp():
    return nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 4), nn.LogSoftmax(1))


def lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.bn1(self.conv1(x)).relu()
        return (self.bn2(self.conv2(y)) + x).relu()


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.blocks = nn.Sequential(Block(8), Block(8))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = self.blocks(self.bn(self.stem(x)).relu())
        return self.fc(ug.flatten(self.pool(x), 1))


def resnet():
    """A ResNet-style net whose BatchNorm statistics have been trained away from 0 and 1."""
    net = ResNet()
    ug.manual_seed(3)
    with ug.no_grad():
        for _ in range(3):
            net(ug.randn(4, 3, 8, 8) * 2 + 1)
    return net.eval()


class Encoder(nn.Module):
    """A transformer encoder block (post-norm, as nn.TransformerEncoderLayer's default)."""

    def __init__(self, d=16, heads=2, hidden=32):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.norm1 = nn.LayerNorm(d)
        self.norm2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, hidden), nn.GELU(), nn.Linear(hidden, d))

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).chunk(3, -1)

        def split(z):
            return z.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(q), split(k), split(v)
        att = (q @ k.transpose(-2, -1) / math.sqrt(d // self.heads)).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = self.norm1(x + self.proj(y))
        return self.norm2(x + self.ff(x))


class Gated(nn.Module):
    """A function of the data that branches at run time (ug.cond)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x):
        return ug.cond(x.sum() > 0, lambda v: self.lin(v).relu(), lambda v: (v * 2.0).tanh(), x)


class Recurrent(nn.Module):
    """A language model: embedding, a 2-layer LSTM, a bidirectional GRU and a linear head."""

    def __init__(self, vocab=30):
        super().__init__()
        self.embed = nn.Embedding(vocab, 8)
        self.lstm = nn.LSTM(8, 12, num_layers=2, batch_first=True)
        self.gru = nn.GRU(12, 6, batch_first=True, bidirectional=True)
        self.head = nn.Linear(12, vocab)

    def forward(self, tokens):
        y, _ = self.lstm(self.embed(tokens))
        y, _ = self.gru(y)
        return self.head(y)


def example(name, batch, seed=0):
    rng = np.random.default_rng(seed)
    if name == "recurrent":
        return ug.tensor(rng.integers(0, 30, (batch, 3 + batch)))
    shape = {"mlp": (batch, 6), "lenet": (batch, 1, 28, 28), "resnet": (batch, 3, 8, 8),
             "encoder": (batch, 5 + batch, 16), "gated": (batch, 4)}[name]
    return ug.tensor(rng.standard_normal(shape).astype(np.float32))


def build(name):
    ug.manual_seed(0)
    return {"mlp": mlp, "lenet": lenet, "resnet": resnet, "encoder": Encoder, "gated": Gated,
            "recurrent": Recurrent}[name]().eval()


DYNAMIC = {"mlp": {0: "batch"}, "lenet": {0: "batch"}, "resnet": {0: "batch"}, "encoder": {0: "batch", 1: "seq"},
           "gated": {0: "batch"}, "recurrent": {0: "batch", 1: "seq"}}
