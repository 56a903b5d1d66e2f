"""Timing helpers: candidates interleaved in rounds, medians reported (see reference/performance.md)."""
import statistics
import subprocess
import sys
import time


def interleaved(candidates, rounds=7, calls=10, warmup=3, settle=0.02):
    """candidates: name -> zero-arg callable. Returns name -> median seconds per call.

    Between candidates the process sleeps `settle` seconds: thread pools that spin after a call
    (OpenBLAS, OpenMP in torch, onnxruntime) then go idle instead of slowing the next candidate."""
    for fn in candidates.values():
        for _ in range(warmup):
            fn()
    samples = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():
            time.sleep(settle)
            fn()
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            samples[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(v) for name, v in samples.items()}


def peak_mib(script, arg):
    """Run `python -c script arg` in a fresh process; its last printed number is the peak in MiB."""
    out = subprocess.run([sys.executable, "-c", script, arg], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])
