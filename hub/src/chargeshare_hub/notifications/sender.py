"""The background task that sends queued email: at once after a commit that queued some, and every
`every_s` seconds for the retries that have come due (and for mail queued by other processes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import logging

from aiohttp import web

from .mailer import Mailer
from .wakeup import MAIL_QUEUED

_LOGGER = logging.getLogger(__name__)
SEND_EVERY_S = 30.0


def install_sender(app: web.Application, mailer: Mailer, every_s: float = SEND_EVERY_S) -> None:
    """Starts the sender with the app and stops it at cleanup; nothing to start without an SMTP server."""

    async def running(_app: web.Application) -> AsyncIterator[None]:
        if not mailer.configured:
            _LOGGER.info("No smtp_host: email stays queued, notifications reach the inbox only")
            yield
            return
        woken, stopping = asyncio.Event(), asyncio.Event()
        MAIL_QUEUED.add_waker(woken.set)
        task = asyncio.create_task(_run(mailer, woken, stopping, every_s), name="email sender")
        yield
        MAIL_QUEUED.remove_waker(woken.set)
        # Told as well as cancelled: a cancellation that reaches the task inside the database or SMTP client
        # can be lost there, and the task must end anyway.
        stopping.set()
        woken.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(running)


async def _run(mailer: Mailer, woken: asyncio.Event, stopping: asyncio.Event, every_s: float) -> None:
    while not stopping.is_set():
        # Cleared before the pass: a commit during the pass wakes the next one at once.
        woken.clear()
        try:
            delivery = await mailer.send_due()
        except Exception:
            # The database briefly away: claimed emails are due again when their lease runs out.
            _LOGGER.exception("The email pass failed")
        else:
            if delivery.sent or delivery.failed or delivery.gave_up:
                _LOGGER.info("Email: %s", delivery)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(every_s):
                await woken.wait()
