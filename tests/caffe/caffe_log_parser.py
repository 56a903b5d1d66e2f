"""A parser of Caffe training logs written from the fixture logs and the rules of Caffe's
tools/extra/parse_log.py and parse_log.sh (reference §2.6): the glog prefix gives the time, the
`Iteration N` lines the iteration, `lr = ` the rate, and `Train/Test net output #k: name = v` the
values. It raises on a line it cannot read after the first iteration line, as parse_log.py does."""
import datetime
import re

ITERATION = re.compile(r"Iteration (\d+)")
TRAIN_OUTPUT = re.compile(r"Train net output #(\d+): (\S+) = ([\.\deE+-]+)")
TEST_OUTPUT = re.compile(r"Test net output #(\d+): (\S+) = ([\.\deE+-]+)")
LEARNING_RATE = re.compile(r"lr = ([-+]?[0-9]*\.?[0-9]+([eE]?[-+]?[0-9]+)?)")


def line_time(line, year=2020):
    """parse_log.py's extract_datetime_from_line: the month/day of the first field, the time of
    the second."""
    fields = line.strip().split()
    month, day = int(fields[0][1:3]), int(fields[0][3:5])
    stamp = fields[1]
    dot = stamp.rfind(".")
    hour, minute, second = (int(x) for x in stamp[:dot].split(":"))
    return datetime.datetime(year, month, day, hour, minute, second, int(stamp[dot + 1:]))


def parse(lines):
    """(train rows, test rows): dicts with NumIters, Seconds, LearningRate and one key per output."""
    train, test = [], []
    iteration, rate, start = -1, float("nan"), None
    for line in lines:
        if start is None and "Solving" in line:
            start = line_time(line)
        found = ITERATION.search(line)
        if found:
            iteration = int(found.group(1))
        if iteration == -1:
            continue  # before the first iteration line, parse_log.py skips lines
        seconds = (line_time(line) - start).total_seconds()  # raises on a line without the glog prefix
        found = LEARNING_RATE.search(line)
        if found:
            rate = float(found.group(1))
        for rows, pattern in ((train, TRAIN_OUTPUT), (test, TEST_OUTPUT)):
            found = pattern.search(line)
            if found:
                if not rows or rows[-1]["NumIters"] != iteration:
                    rows.append({"NumIters": iteration, "Seconds": seconds, "LearningRate": rate})
                rows[-1][found.group(2)] = float(found.group(3))
    return train, test


def parse_sh_losses(lines):
    """parse_log.sh's fields: the training loss is field 9 of each ', loss = ' line and the rate
    field 9 of each ', lr = ' line (four prefix tokens before the message)."""
    losses = [float(line.split()[8]) for line in lines if ", loss = " in line]
    rates = [float(line.split()[8]) for line in lines if ", lr = " in line]
    return losses, rates
