"""Timing helpers: candidates interleaved in rounds, medians reported (see reference/performance.md)."""
import statistics
import subprocess
import sys
import time


class Timings(dict):
    """name -> median seconds per call; `.best` holds each candidate's fastest round (on a shared
    2-core VM the median moves with the neighbours' load, the best round much less)."""

    def __init__(self, medians, best):
        super().__init__(medians)
        self.best = dict(best)

    def scaled(self, factor):
        return Timings({k: v * factor for k, v in self.items()}, {k: v * factor for k, v in self.best.items()})


def interleaved(candidates, rounds=7, calls=10, warmup=3, settle=0.25, warm_s=0.05, clock=time.perf_counter):
    """candidates: name -> zero-arg callable. Returns Timings: name -> median seconds per call,
    and in `.best` the fastest round's seconds per call, as `clock` counts them (wall time; or
    time.process_time for the CPU time the process used).

    Each framework's thread pools spin for a while after a call (OpenBLAS ~0.1 s, OpenMP in
    torch, onnxruntime) and on a 2-core machine that slows whichever candidate runs next; so
    before each candidate's block the process sleeps `settle` seconds (the pools go idle), then
    runs the candidate for `warm_s` seconds untimed (its own pools and the CPU are up again),
    then times `calls` calls."""
    for fn in candidates.values():
        for _ in range(warmup):
            fn()
    samples = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            time.sleep(settle)
            until = time.perf_counter() + warm_s
            fn()
            while time.perf_counter() < until:
                fn()
            start = clock()
            for _ in range(calls):
                fn()
            samples[name].append((clock() - start) / calls)
    return Timings({name: statistics.median(v) for name, v in samples.items()},
                   {name: min(v) for name, v in samples.items()})


def peak_mib(script, arg):
    """Run `python -c script arg` in a fresh process; its last printed number is the peak in MiB."""
    out = subprocess.run([sys.executable, "-c", script, arg], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])
