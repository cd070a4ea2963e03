"""How long the link waits before it dials the hub again (docs/hub-link.md, "Reconnection").

Exponential backoff with full jitter: the n-th wait in a row is uniform in [0, min(300, 2 ** n)] seconds, so
thousands of homes that lost the hub at once do not all knock at the same moment when it comes back. A
connection that stayed up for a minute starts the count again. Pure: the random source is injected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

MAX_WAIT_S: Final = 300.0
STABLE_AFTER_S: Final = 60.0

Uniform = Callable[[float, float], float]  # random.uniform's shape


class Backoff:
    def __init__(self, uniform: Uniform) -> None:
        self._uniform = uniform
        self.failures = 0  # waits in a row since the last stable connection

    def next_wait(self) -> float:
        self.failures += 1
        exponent = min(self.failures, 16)  # 2 ** 16 is past the cap already; a float power would overflow later
        return self._uniform(0.0, min(MAX_WAIT_S, 2.0**exponent))

    def connection_lasted(self, seconds: float) -> None:
        """A connection ended after `seconds`; one that was stable resets the count."""
        if seconds >= STABLE_AFTER_S:
            self.failures = 0
