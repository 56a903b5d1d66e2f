"""The word_language_model example's generate.py: load the trained model and write --words
words sampled one at a time from its output distribution (sharpened or flattened by
--temperature) with torch.multinomial. Deviation: the model is rebuilt from the same
architecture flags as main.py and loads its state_dict (main.py does not pickle the model)."""
import argparse

import torch

import data
import model as models

parser = argparse.ArgumentParser(description="PyTorch Wikitext-2 Language Model")
parser.add_argument("--data", type=str, default="./data/wikitext-2")
parser.add_argument("--checkpoint", type=str, default="./model.pt")
parser.add_argument("--outf", type=str, default="generated.txt")
parser.add_argument("--words", type=int, default=1000)
parser.add_argument("--seed", type=int, default=1111)
parser.add_argument("--temperature", type=float, default=1.0)
parser.add_argument("--log-interval", type=int, default=100)
parser.add_argument("--accel", action="store_true")
parser.add_argument("--model", type=str, default="LSTM")
parser.add_argument("--emsize", type=int, default=200)
parser.add_argument("--nhid", type=int, default=200)
parser.add_argument("--nlayers", type=int, default=2)
parser.add_argument("--nhead", type=int, default=2)
parser.add_argument("--tied", action="store_true")
args = parser.parse_args()

torch.manual_seed(args.seed)
if args.accel and torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
else:
    device = torch.device("cpu")
if args.temperature < 1e-3:
    parser.error("--temperature has to be greater or equal 1e-3.")

corpus = data.Corpus(args.data)
ntokens = len(corpus.dictionary)
if args.model == "Transformer":
    model = models.TransformerModel(ntokens, args.emsize, args.nhead, args.nhid, args.nlayers)
else:
    model = models.RNNModel(args.model, ntokens, args.emsize, args.nhid, args.nlayers, tie_weights=args.tied)
model.load_state_dict(torch.load(args.checkpoint, map_location=device))
model = model.to(device)
model.eval()

is_transformer_model = hasattr(model, "model_type") and model.model_type == "Transformer"
if not is_transformer_model:
    hidden = model.init_hidden(1)
input = torch.randint(ntokens, (1, 1), dtype=torch.long).to(device)

with open(args.outf, "w") as outf:
    with torch.no_grad():  # no tracking history
        for i in range(args.words):
            if is_transformer_model:
                output = model(input, False)
                word_weights = output[-1].squeeze().div(args.temperature).exp().cpu()
                word_idx = torch.multinomial(word_weights, 1)[0]
                word_tensor = torch.Tensor([[word_idx]]).long().to(device)
                input = torch.cat([input, word_tensor], 0)
            else:
                output, hidden = model(input, hidden)
                word_weights = output.squeeze().div(args.temperature).exp().cpu()
                word_idx = torch.multinomial(word_weights, 1)[0]
                input.fill_(word_idx)
            word = corpus.dictionary.idx2word[word_idx]
            outf.write(word + ("\n" if i % 20 == 19 else " "))
            if i % args.log_interval == 0:
                print("| Generated {}/{} words".format(i, args.words))
