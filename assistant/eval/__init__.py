"""Offline evaluations of recall against public benchmarks (LoCoMo)."""
