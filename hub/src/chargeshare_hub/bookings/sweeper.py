"""The background task that runs the bookings' sweep every minute while the app runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import logging

from aiohttp import web

from .service import Bookings

_LOGGER = logging.getLogger(__name__)
SWEEP_EVERY_S = 60.0


def install_sweeper(app: web.Application, bookings: Bookings, every_s: float = SWEEP_EVERY_S) -> None:
    """Starts the sweep with the app and stops it at cleanup."""

    async def running(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_run(bookings, every_s), name="bookings sweeper")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(running)


async def _run(bookings: Bookings, every_s: float) -> None:
    while True:
        try:
            swept = await bookings.sweep()
        except Exception:
            # A failed sweep (the database briefly away) is retried at the next tick; it changed nothing.
            _LOGGER.exception("The bookings sweep failed")
        else:
            if swept.failed_requests or swept.failed_bookings or swept.no_shows:
                _LOGGER.info("Bookings sweep: %s", swept)
        await asyncio.sleep(every_s)
