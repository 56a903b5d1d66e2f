"""A popular tutorial collection's 'recurrent neural network': MNIST images as sequences of 28
rows through a 2-layer nn.LSTM (batch_first) started from zero (h0, c0), a linear layer on the
last step; CrossEntropyLoss and Adam. With --bidirectional it is the collection's 'bidirectional
recurrent neural network' (states 2 * num_layers, linear layer on 2 * hidden features).
Deviations: MNIST from IDX files cut to --train-limit/--test-limit; sizes as flags;
--init/--save-init."""
import argparse

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

import mnist_files

parser = argparse.ArgumentParser()
parser.add_argument("--hidden-size", type=int, default=128)
parser.add_argument("--num-layers", type=int, default=2)
parser.add_argument("--num-epochs", type=int, default=2)
parser.add_argument("--batch-size", type=int, default=100)
parser.add_argument("--learning-rate", type=float, default=0.01)
parser.add_argument("--bidirectional", action="store_true")
parser.add_argument("--log-every", type=int, default=100)
parser.add_argument("--data", default="../../data")
parser.add_argument("--train-limit", type=int, default=None)
parser.add_argument("--test-limit", type=int, default=None)
parser.add_argument("--init")
parser.add_argument("--save-init")
args = parser.parse_args()

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
sequence_length = 28
input_size = 28
num_classes = 10


def dataset(train, limit):
    images, labels = mnist_files.load(args.data, train, limit)
    return TensorDataset(torch.from_numpy(images).float().div(255).unsqueeze(1), torch.from_numpy(labels))


train_loader = DataLoader(dataset=dataset(True, args.train_limit), batch_size=args.batch_size, shuffle=True)
test_loader = DataLoader(dataset=dataset(False, args.test_limit), batch_size=args.batch_size, shuffle=False)


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        out, _ = self.lstm(x, (h0, c0))  # (batch, seq, hidden)
        return self.fc(out[:, -1, :])


class BiRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(BiRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, num_classes)  # both directions

    def forward(self, x):
        h0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size).to(device)
        c0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size).to(device)
        out, _ = self.lstm(x, (h0, c0))  # (batch, seq, 2 * hidden)
        return self.fc(out[:, -1, :])


Model = BiRNN if args.bidirectional else RNN
model = Model(input_size, args.hidden_size, args.num_layers, num_classes).to(device)
if args.init:
    model.load_state_dict(torch.load(args.init))
if args.save_init:
    torch.save(model.state_dict(), args.save_init)

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)

total_step = len(train_loader)
for epoch in range(args.num_epochs):
    for i, (images, labels) in enumerate(train_loader):
        images = images.reshape(-1, sequence_length, input_size).to(device)
        labels = labels.to(device)
        outputs = model(images)
        loss = criterion(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (i + 1) % args.log_every == 0:
            print("Epoch [{}/{}], Step [{}/{}], Loss: {:.4f}".format(epoch + 1, args.num_epochs, i + 1, total_step,
                                                                     loss.item()))

with torch.no_grad():
    correct = 0
    total = 0
    for images, labels in test_loader:
        images = images.reshape(-1, sequence_length, input_size).to(device)
        labels = labels.to(device)
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
    print("Test Accuracy of the model on the {} test images: {} %".format(total, 100 * correct / total))

torch.save(model.state_dict(), "model.ckpt")
