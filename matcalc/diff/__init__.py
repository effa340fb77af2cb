"""Differentiation: JVP rules produce a differential linear in d(X); read-outs turn it into
a Jacobian in a layout (diff.readout)."""
