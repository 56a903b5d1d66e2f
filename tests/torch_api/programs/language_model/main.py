"""A popular tutorial collection's 'language model': an Embedding, a one-layer batch_first
nn.LSTM and a linear layer over the vocabulary, trained on sequences of seq_length words with
the states carried over (detached) between batches, gradient norm clipped to 0.5, Adam; then
num_samples words sampled one at a time with torch.multinomial into sample.txt.
Deviations: sizes as flags (the collection: embed 128, hidden 1024, 5 epochs); the sampling
seed is a flag; --init/--save-init carry the initial weights."""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import clip_grad_norm_

from data_utils import Corpus

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="data")
parser.add_argument("--embed-size", type=int, default=128)
parser.add_argument("--hidden-size", type=int, default=1024)
parser.add_argument("--num-layers", type=int, default=1)
parser.add_argument("--num-epochs", type=int, default=5)
parser.add_argument("--num-samples", type=int, default=1000)
parser.add_argument("--batch-size", type=int, default=20)
parser.add_argument("--seq-length", type=int, default=30)
parser.add_argument("--learning-rate", type=float, default=0.002)
parser.add_argument("--log-every", type=int, default=100)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--init")
parser.add_argument("--save-init")
args = parser.parse_args()

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
embed_size, hidden_size, num_layers = args.embed_size, args.hidden_size, args.num_layers
num_epochs, batch_size, seq_length = args.num_epochs, args.batch_size, args.seq_length

corpus = Corpus()
ids = corpus.get_data(os.path.join(args.data, "train.txt"), batch_size)
vocab_size = len(corpus.dictionary)
num_batches = ids.size(1) // seq_length


class RNNLM(nn.Module):
    def __init__(self, vocab_size, embed_size, hidden_size, num_layers):
        super(RNNLM, self).__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, h):
        x = self.embed(x)
        out, (h, c) = self.lstm(x, h)
        out = out.reshape(out.size(0) * out.size(1), out.size(2))  # (batch * seq, hidden)
        out = self.linear(out)
        return out, (h, c)


model = RNNLM(vocab_size, embed_size, hidden_size, num_layers).to(device)
if args.init:
    model.load_state_dict(torch.load(args.init))
if args.save_init:
    torch.save(model.state_dict(), args.save_init)

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)


def detach(states):
    """Truncated backpropagation: the states keep their values, not their history."""
    return [state.detach() for state in states]


for epoch in range(num_epochs):
    states = (torch.zeros(num_layers, batch_size, hidden_size).to(device),
              torch.zeros(num_layers, batch_size, hidden_size).to(device))
    for i in range(0, ids.size(1) - seq_length, seq_length):
        inputs = ids[:, i:i + seq_length].to(device)
        targets = ids[:, (i + 1):(i + 1) + seq_length].to(device)
        states = detach(states)
        outputs, states = model(inputs, states)
        loss = criterion(outputs, targets.reshape(-1))
        model.zero_grad()
        loss.backward()
        clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        step = (i + 1) // seq_length
        if step % args.log_every == 0:
            print("Epoch [{}/{}], Step[{}/{}], Loss: {:.4f}, Perplexity: {:5.2f}"
                  .format(epoch + 1, num_epochs, step, num_batches, loss.item(), np.exp(loss.item())))

torch.manual_seed(args.seed)
with torch.no_grad():
    with open("sample.txt", "w") as f:
        state = (torch.zeros(num_layers, 1, hidden_size).to(device),
                 torch.zeros(num_layers, 1, hidden_size).to(device))
        prob = torch.ones(vocab_size)
        input = torch.multinomial(prob, num_samples=1).unsqueeze(1).to(device)
        for i in range(args.num_samples):
            output, state = model(input, state)
            prob = output.exp()
            word_id = torch.multinomial(prob, num_samples=1).item()
            input.fill_(word_id)
            word = corpus.dictionary.idx2word[word_id]
            word = "\n" if word == "<eos>" else word + " "
            f.write(word)
            if (i + 1) % 100 == 0:
                print("Sampled [{}/{}] words and save to {}".format(i + 1, args.num_samples, "sample.txt"))

torch.save(model.state_dict(), "model.ckpt")
