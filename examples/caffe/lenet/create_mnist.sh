#!/bin/sh
# The MNIST LMDBs LeNet's prototxt reads, as Caffe's create_mnist.sh makes them.
# MNIST's four IDX files (gzipped or not) are looked for in $1, else $UNIGRAD_DATA or $UNIGRAD_DATA/mnist.
set -e
DATA=${1:-${UNIGRAD_DATA:-data}}
[ -d "$DATA/mnist" ] && DATA="$DATA/mnist"
find_idx() {
  for f in "$DATA/$1" "$DATA/$1.gz"; do [ -f "$f" ] && { echo "$f"; return; }; done
  echo "create_mnist.sh: no $1(.gz) in $DATA; pass the folder holding MNIST's IDX files" >&2; exit 1
}
OUT=examples/caffe/lenet
for split in train:train t10k:test; do
  set -- $(echo "$split" | tr : ' ')
  images=$(find_idx "$1-images-idx3-ubyte"); labels=$(find_idx "$1-labels-idx1-ubyte")
  rm -rf "$OUT/mnist_$2_lmdb"
  unigrad caffe convert-mnist "$images" "$labels" "$OUT/mnist_$2_lmdb"
done
