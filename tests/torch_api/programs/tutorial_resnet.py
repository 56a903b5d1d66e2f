"""A popular tutorial collection's 'deep residual network': ResNet of 3x3 convolutions with
BatchNorm2d, residual blocks in three stages (16, 32, 64 channels; stride-2 downsampling through
a convolution + BatchNorm2d shortcut), 8x8 average pooling and a linear layer; Adam with the
learning rate divided by 3 every --decay-every epochs through optimizer.param_groups.
Deviations: the collection trains on CIFAR-10 (3x32x32); this offline rebuild uses MNIST
digits padded to 32x32 and repeated over 3 channels, cut to --train-limit/--test-limit; its
augmentation (pad 4, random crop, random horizontal flip) is written with tensor ops and can be
turned off (--no-augment) for a deterministic run; --init/--save-init."""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

import mnist_files

parser = argparse.ArgumentParser()
parser.add_argument("--num-epochs", type=int, default=80)
parser.add_argument("--batch-size", type=int, default=100)
parser.add_argument("--learning-rate", type=float, default=0.001)
parser.add_argument("--decay-every", type=int, default=20)
parser.add_argument("--layers", type=int, nargs=3, default=[2, 2, 2])
parser.add_argument("--no-augment", action="store_true")
parser.add_argument("--log-every", type=int, default=100)
parser.add_argument("--data", default="../../data")
parser.add_argument("--train-limit", type=int, default=None)
parser.add_argument("--test-limit", type=int, default=None)
parser.add_argument("--init")
parser.add_argument("--save-init")
args = parser.parse_args()

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def dataset(train, limit):
    images, labels = mnist_files.load(args.data, train, limit)
    x = torch.from_numpy(images).float().div(255).unsqueeze(1)
    x = F.pad(x, (2, 2, 2, 2)).expand(-1, 3, -1, -1).contiguous()  # 3 x 32 x 32, as CIFAR-10
    return TensorDataset(x, torch.from_numpy(labels))


def augment(images):
    """Pad 4, crop 32 at a random offset (one per batch), flip half the images left-right."""
    padded = F.pad(images, (4, 4, 4, 4))
    i, j = torch.randint(0, 9, (2,)).tolist()
    cropped = padded[:, :, i:i + 32, j:j + 32]
    flip = torch.rand(images.size(0)) < 0.5
    return torch.where(flip.view(-1, 1, 1, 1), cropped.flip(3), cropped)


train_loader = DataLoader(dataset=dataset(True, args.train_limit), batch_size=args.batch_size, shuffle=True)
test_loader = DataLoader(dataset=dataset(False, args.test_limit), batch_size=args.batch_size, shuffle=False)


def conv3x3(in_channels, out_channels, stride=1):
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)


class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1, downsample=None):
        super(ResidualBlock, self).__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = downsample

    def forward(self, x):
        residual = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample:
            residual = self.downsample(x)
        out += residual
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=10):
        super(ResNet, self).__init__()
        self.in_channels = 16
        self.conv = conv3x3(3, 16)
        self.bn = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self.make_layer(block, 16, layers[0])
        self.layer2 = self.make_layer(block, 32, layers[1], 2)
        self.layer3 = self.make_layer(block, 64, layers[2], 2)
        self.avg_pool = nn.AvgPool2d(8)
        self.fc = nn.Linear(64, num_classes)

    def make_layer(self, block, out_channels, blocks, stride=1):
        downsample = None
        if (stride != 1) or (self.in_channels != out_channels):
            downsample = nn.Sequential(conv3x3(self.in_channels, out_channels, stride=stride),
                                       nn.BatchNorm2d(out_channels))
        layers = [block(self.in_channels, out_channels, stride, downsample)]
        self.in_channels = out_channels
        for i in range(1, blocks):
            layers.append(block(out_channels, out_channels))
        return nn.Sequential(*layers)

    def forward(self, x):
        out = self.relu(self.bn(self.conv(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = self.avg_pool(out)
        out = out.view(out.size(0), -1)
        return self.fc(out)


model = ResNet(ResidualBlock, args.layers).to(device)
if args.init:
    model.load_state_dict(torch.load(args.init))
if args.save_init:
    torch.save(model.state_dict(), args.save_init)

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)


def update_lr(optimizer, lr):
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr


total_step = len(train_loader)
curr_lr = args.learning_rate
for epoch in range(args.num_epochs):
    for i, (images, labels) in enumerate(train_loader):
        if not args.no_augment:
            images = augment(images)
        images = images.to(device)
        labels = labels.to(device)
        outputs = model(images)
        loss = criterion(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (i + 1) % args.log_every == 0:
            print("Epoch [{}/{}], Step [{}/{}] Loss: {:.4f}".format(epoch + 1, args.num_epochs, i + 1, total_step,
                                                                    loss.item()))
    if (epoch + 1) % args.decay_every == 0:
        curr_lr /= 3
        update_lr(optimizer, curr_lr)

model.eval()
with torch.no_grad():
    correct = 0
    total = 0
    for images, labels in test_loader:
        images = images.to(device)
        labels = labels.to(device)
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
    print("Accuracy of the model on the test images: {} %".format(100 * correct / total))

torch.save(model.state_dict(), "resnet.ckpt")
