"""Benchmarks run by hand (`python -m bench`); they print figures and never assert timings."""
