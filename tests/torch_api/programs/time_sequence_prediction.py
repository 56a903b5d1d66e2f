"""The official PyTorch example 'time_sequence_prediction': two stacked nn.LSTMCells and a
linear layer learn sine waves of shifted phase one step at a time (float64), trained with LBFGS
through a closure, then asked to continue three test waves for `future` steps.
Deviations: the waves are generated here with NumPy's seeded generator (the example writes them
to traindata.pt in a separate script, with pickle); their number and length are flags; no plot
files (--plot draws them with matplotlib); --init/--save-init."""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


def sine_waves(n, length, period=20, seed=2):
    """n sine waves of `length` samples, each shifted by a random whole number of samples."""
    np.random.seed(seed)
    x = np.empty((n, length), "int64")
    x[:] = np.array(range(length)) + np.random.randint(-4 * period, 4 * period, n).reshape(n, 1)
    return np.sin(x / 1.0 / period).astype("float64")


class Sequence(nn.Module):
    def __init__(self):
        super(Sequence, self).__init__()
        self.lstm1 = nn.LSTMCell(1, 51)
        self.lstm2 = nn.LSTMCell(51, 51)
        self.linear = nn.Linear(51, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)
        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):  # predicting the future from its own outputs
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        return torch.cat(outputs, dim=1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--waves", type=int, default=100)
    parser.add_argument("--length", type=int, default=1000)
    parser.add_argument("--future", type=int, default=1000)
    parser.add_argument("--plot", action="store_true")
    parser.add_argument("--init")
    parser.add_argument("--save-init")
    opt = parser.parse_args()
    np.random.seed(0)
    torch.manual_seed(0)
    data = sine_waves(opt.waves, opt.length)
    input = torch.from_numpy(data[3:, :-1])
    target = torch.from_numpy(data[3:, 1:])
    test_input = torch.from_numpy(data[:3, :-1])
    test_target = torch.from_numpy(data[:3, 1:])
    seq = Sequence()
    seq.double()
    if opt.init:
        seq.load_state_dict(torch.load(opt.init))
    if opt.save_init:
        torch.save(seq.state_dict(), opt.save_init)
    criterion = nn.MSELoss()
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8)
    for i in range(opt.steps):
        print("STEP: ", i)

        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            print("loss:", loss.item())
            loss.backward()
            return loss
        optimizer.step(closure)
        with torch.no_grad():
            future = opt.future
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            print("test loss:", loss.item())
            y = pred.detach().numpy()
        if opt.plot:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            plt.figure(figsize=(30, 10))
            plt.title("Predict future values for time sequences\n(Dashlines are predicted values)", fontsize=30)
            n = input.size(1)
            for row, color in zip(y, "rgb"):
                plt.plot(np.arange(n), row[:n], color, linewidth=2.0)
                plt.plot(np.arange(n, n + future), row[n:], color + ":", linewidth=2.0)
            plt.savefig("predict%d.pdf" % i)
            plt.close()
