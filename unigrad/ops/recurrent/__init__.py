"""Recurrent layers as fused ops: one op runs a whole layer (one direction) over the sequence,
with a fused backward op, so a step costs one GEMM and a few in-place passes instead of a
dozen recorded ops."""
