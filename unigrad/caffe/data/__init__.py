"""Caffe's datasets: LMDB databases of Datum records, HDF5 files, image lists, mean files,
and the data transformation (scale, mean, crop, mirror) Caffe's data layers apply."""
