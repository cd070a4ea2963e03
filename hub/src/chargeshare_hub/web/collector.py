"""Garbage collection paced for a server holding thousands of long-lived connections.

Python's collector scans every tracked object in its full collections: with 5,000 links (some 700,000 objects) each
one stopped the hub for 0.5 to 1.5 s, every few seconds under load (bench/hub_links.py). What lives long (the app,
the connections) is frozen every `FREEZE_EVERY_S`, so routine collections scan only what was made since, in
milliseconds. A cycle that becomes garbage while frozen waits for the next full pass: every `FULL_EVERY` ticks
everything is thawed and collected once, the one long pause left, then frozen again.
"""

from __future__ import annotations

import gc
import time

FREEZE_EVERY_S = 30.0
FULL_EVERY = 20  # ticks: a full collection every 10 minutes


class CollectorPacing:
    def __init__(self, full_every: int = FULL_EVERY) -> None:
        self._full_every = full_every
        self._ticks = 0

    async def tick(self) -> str | None:
        """Freezes what lives now; on every `full_every`-th tick first collects everything. Says what a full
        collection found."""
        self._ticks += 1
        report = None
        if self._ticks % self._full_every == 0:
            started = time.perf_counter()
            gc.unfreeze()
            found = gc.collect()
            report = f"full collection: {found} objects of garbage in {(time.perf_counter() - started) * 1000:.0f} ms"
        gc.freeze()
        return report
