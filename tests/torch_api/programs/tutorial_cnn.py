"""A popular tutorial collection's 'convolutional neural network': two blocks of 5x5 convolution,
BatchNorm2d, ReLU and 2x2 max pooling, a linear layer on 7*7*32 features, CrossEntropyLoss and
Adam; eval mode for the test accuracy; the state_dict saved as a checkpoint. Deviations: MNIST
from IDX files cut to --train-limit/--test-limit; sizes as flags; --init/--save-init."""
import argparse

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

import mnist_files

parser = argparse.ArgumentParser()
parser.add_argument("--num-epochs", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=100)
parser.add_argument("--learning-rate", type=float, default=0.001)
parser.add_argument("--log-every", type=int, default=100)
parser.add_argument("--data", default="../../data")
parser.add_argument("--train-limit", type=int, default=None)
parser.add_argument("--test-limit", type=int, default=None)
parser.add_argument("--init")
parser.add_argument("--save-init")
args = parser.parse_args()

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
num_classes = 10


def dataset(train, limit):
    images, labels = mnist_files.load(args.data, train, limit)
    return TensorDataset(torch.from_numpy(images).float().div(255).unsqueeze(1), torch.from_numpy(labels))


train_loader = DataLoader(dataset=dataset(True, args.train_limit), batch_size=args.batch_size, shuffle=True)
test_loader = DataLoader(dataset=dataset(False, args.test_limit), batch_size=args.batch_size, shuffle=False)


class ConvNet(nn.Module):
    def __init__(self, num_classes=10):
        super(ConvNet, self).__init__()
        self.layer1 = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2))
        self.layer2 = nn.Sequential(
            nn.Conv2d(16, 32, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2))
        self.fc = nn.Linear(7 * 7 * 32, num_classes)

    def forward(self, x):
        out = self.layer1(x)
        out = self.layer2(out)
        out = out.reshape(out.size(0), -1)
        return self.fc(out)


model = ConvNet(num_classes).to(device)
if args.init:
    model.load_state_dict(torch.load(args.init))
if args.save_init:
    torch.save(model.state_dict(), args.save_init)

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)

total_step = len(train_loader)
for epoch in range(args.num_epochs):
    for i, (images, labels) in enumerate(train_loader):
        images = images.to(device)
        labels = labels.to(device)
        outputs = model(images)
        loss = criterion(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (i + 1) % args.log_every == 0:
            print("Epoch [{}/{}], Step [{}/{}], Loss: {:.4f}".format(epoch + 1, args.num_epochs, i + 1, total_step,
                                                                     loss.item()))

model.eval()  # batch norm uses its running mean and variance
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
    print("Test Accuracy of the model on the {} test images: {} %".format(total, 100 * correct / total))

torch.save(model.state_dict(), "model.ckpt")
