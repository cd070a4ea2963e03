"""Waiting for state on the other side of a socket."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(condition: Callable[[], bool], within_s: float = 3.0) -> None:
    """Wait until `condition()` holds; fail the test if it never does."""
    async with asyncio.timeout(within_s):
        while not condition():  # noqa: ASYNC110 - nothing to wait on but the state itself
            await asyncio.sleep(0.01)
