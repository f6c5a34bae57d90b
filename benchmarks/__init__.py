"""Benchmarks run by hand (`python -m benchmarks NAME`), never by the test suite: they print ratios, not verdicts."""
