"""The hub's garbage collection pacing: what lives long is frozen, so routine collections skip it; a cycle that
became garbage while frozen is collected at the next full pass."""

from __future__ import annotations

from collections.abc import Iterator
import gc
from typing import Any
import weakref

import pytest

from chargeshare_hub.web.collector import CollectorPacing


class Node:
    def __init__(self) -> None:
        self.other: Any = self


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    yield
    gc.unfreeze()


def _dropped_cycle() -> weakref.ref[Node]:
    node = Node()  # refers to itself: only a collection frees it
    return weakref.ref(node)


async def test_a_tick_freezes_what_lives_so_that_collections_skip_it() -> None:
    pacing = CollectorPacing(full_every=3)
    kept = Node()

    assert await pacing.tick() is None

    assert gc.get_freeze_count() > 0
    assert not any(obj is kept for obj in gc.get_objects())  # in the permanent generation


async def test_a_cycle_dropped_while_frozen_waits_for_the_full_pass() -> None:
    pacing = CollectorPacing(full_every=2)
    node = Node()
    cycle = weakref.ref(node)
    await pacing.tick()
    del node

    gc.collect()
    survived_routine = cycle() is not None
    report = await pacing.tick()

    assert survived_routine
    assert cycle() is None
    assert report is not None
    assert report.startswith("full collection: ")


async def test_cycles_made_since_the_last_freeze_are_collected_as_usual() -> None:
    await CollectorPacing(full_every=10).tick()
    cycle = _dropped_cycle()

    gc.collect()

    assert cycle() is None
