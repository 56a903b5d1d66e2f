#!/usr/bin/env bash
# The GPU checks, as one script for a lent GPU machine (no registry access there: run from the
# tree). Copies MNIST next to the tree (the device tool carries .gpu_data when asked), runs the
# whole suite with tests on CUDA where a device is present, then the GPU benchmark.
#   locally:  mkdir -p .gpu_data && cp ../shared/datasets/mnist/*.gz .gpu_data/
#   device:   run(command="bash bench/gpu_checks.sh", carry=[".gpu_data"])
set -u
export PYTHONPATH=.
export UNIGRAD_TEST_MNIST="$PWD/.gpu_data" UNIGRAD_DATA="$PWD/.gpu_data"
python -c "import cupy, unigrad as ug; print('cupy', cupy.__version__, 'cuda available:', ug.cuda.is_available())"
start=$(date +%s)
python -m pytest tests -q -n 8 -p no:cacheprovider 2>&1 | tail -15
echo "suite: $(( $(date +%s) - start )) s"
python bench/bench_gpu.py
