"""Benchmarks: they print figures and ratios measured side by side in one run; they are not timed tests."""
