"""Background jobs that run every so often while the app runs (the bookings' sweep, the waitlist's, reminders)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
import logging

from aiohttp import web

_LOGGER = logging.getLogger(__name__)


def install_periodic(app: web.Application, name: str, every_s: float, job: Callable[[], Awaitable[object]]) -> None:
    """Runs `job` at start and then every `every_s` seconds, until the app's cleanup. What a job returns is logged
    when it is truthy (it did something); a job that fails is logged and tried again at the next tick: a job
    works in one transaction, so a failed run changed nothing."""

    stopping = asyncio.Event()

    async def run() -> None:
        while not stopping.is_set():
            try:
                outcome = await job()
            except Exception:
                _LOGGER.exception("%s failed", name)
            else:
                if outcome:
                    _LOGGER.info("%s: %s", name, outcome)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(every_s):
                    await stopping.wait()

    async def running(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(run(), name=name)
        yield
        # Told as well as cancelled: SQLAlchemy's pool can swallow a cancellation that arrives while it returns a
        # connection, and the task must end anyway.
        stopping.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(running)
