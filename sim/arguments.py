"""Command-line argument types the simulators share."""

from __future__ import annotations

import argparse


def positive(text: str) -> float:
    """A number above 0, for argparse's `type=`."""
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return value
