"""One host's websocket: hello and welcome, then up messages applied in the order they arrive, down messages
sent as they are queued (and again after `RESEND_AFTER_S` without an answer), pings every heartbeat.

Frames are read by one task and applied by another: while a message waits for the database (a busy hub applies
a few at once, see `Receiver`), the reader still takes the peer's pongs, so a slow hub does not mistake a live
Home Assistant for a gone one. Everything a connection sends is a whole frame written at once, so its three
writers (the applier's acks, the delivery of down messages, the pings) never interleave within a frame.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
import logging
import time
from typing import TYPE_CHECKING
import uuid

from aiohttp import WSMsgType, web

from .. import __version__
from ..accounts.principal import Principal
from ..listings.ocpi_json import ocpi_time
from .frames import FrameError, frame_text, nack_text, parse_frame

if TYPE_CHECKING:
    from .gateway import LinkGateway

_LOGGER = logging.getLogger(__name__)
RESEND_AFTER_S = 60.0  # a down message sent this long ago without an answer goes again (the host failed to apply it)
STOP_WAIT_S = 10.0
MISSED_PINGS = 2
WINDOW = 500  # down messages in flight at most; more follow as acks come in
UNAPPLIED = 256  # frames read and not yet applied; a peer that sends more waits (and, past its pings, is closed)
CLOSE_GOING_AWAY = 1001
CLOSE_UNSUPPORTED_DATA = 1003
CLOSE_REPLACED = 4000
CLOSE_REVOKED = 4001


class Connection:
    def __init__(self, ws: web.WebSocketResponse, host: Principal, gateway: LinkGateway) -> None:
        self.id = uuid.uuid4().hex
        self.ws = ws
        self.host = host
        self._gateway = gateway
        self._greeted = False
        self._last_heard = time.monotonic()
        self._sent: dict[int, tuple[str, float]] = {}  # unanswered down messages: seq -> (frame, when sent)
        self._wake = asyncio.Event()
        self._unapplied: asyncio.Queue[str | None] = asyncio.Queue(UNAPPLIED)
        self._delivery: asyncio.Task[None] | None = None
        self._closing: asyncio.Task[None] | None = None
        self._ended = False
        self.announced_as: int | None = None  # the sequence number of the event announcing it to other processes

    @property
    def host_id(self) -> int:
        return self.host.user_id

    def wake(self) -> None:
        """New down messages for the host are committed: deliver them."""
        self._wake.set()

    async def run(self) -> None:
        """Serves the connection until either side closes it."""
        keepalive = asyncio.create_task(self._keep_alive(), name=f"link {self.id} pings")
        applier = asyncio.create_task(self._apply_frames(), name=f"link {self.id} applier")
        try:
            await self._receive()
        finally:
            self._ended = True
            keepalive.cancel()
            # Told, not cancelled, unless they take too long: a cancellation that reaches SQLAlchemy's pool while it
            # hands a connection back can leave that connection behind. A full queue needs no telling: the applier
            # stops when it has emptied it.
            with contextlib.suppress(asyncio.QueueFull):
                self._unapplied.put_nowait(None)
            self._wake.set()
            working = {task for task in (applier, self._delivery) if task is not None}
            await asyncio.wait(working, timeout=STOP_WAIT_S)
            for task in working:
                task.cancel()
            tasks = [task for task in (keepalive, applier, self._delivery, self._closing) if task is not None]
            await asyncio.gather(*tasks, return_exceptions=True)

    def close_soon(self, code: int, reason: str, *, bye: str | None = None) -> None:
        """Closes from outside the connection's own tasks (a newer connection, a revoked token)."""
        if self._closing is None:
            self._closing = asyncio.create_task(self.close(code, reason, bye=bye), name=f"link {self.id} close")

    async def close(self, code: int, reason: str, *, bye: str | None = None) -> None:
        if bye is not None:
            await self._send(frame_text("bye", {"reason": bye}, at=self._now()))
        with contextlib.suppress(ConnectionResetError):
            await self.ws.close(code=code, message=reason.encode())

    async def _receive(self) -> None:
        while True:
            message = await self.ws.receive()
            self._last_heard = time.monotonic()
            if message.type == WSMsgType.TEXT:
                await self._unapplied.put(message.data)
            elif message.type == WSMsgType.PING:
                with contextlib.suppress(ConnectionResetError):
                    await self.ws.pong(message.data)
            elif message.type == WSMsgType.BINARY:
                await self.close(CLOSE_UNSUPPORTED_DATA, "text frames only")
                return
            elif message.type != WSMsgType.PONG:  # closed, closing, or an error (a frame over the size limit)
                return

    async def _apply_frames(self) -> None:
        """Applies what was read, in order; once the connection has ended, what was read before it (an ack sent
        just before a close), then stops."""
        while True:
            text = await self._unapplied.get()
            if text is None:
                return
            await self._on_text(text)
            if self._ended and self._unapplied.empty():
                return

    async def _on_text(self, text: str) -> None:
        try:
            frame = parse_frame(text)
        except FrameError as err:
            _LOGGER.info("Host %s sent a frame refused: %s (%s)", self.host_id, err.message, err.code)
            await self._send(nack_text(err))
            return
        if frame.type == "hello":
            await self._hello(frame.payload)
        elif not self._greeted:
            await self._send(nack_text(FrameError("hello_first", "Send hello first.", None, frame.id)))
        elif frame.type in ("ack", "nack"):
            try:
                settled = await self._gateway.receiver.settle(self.host, frame)
            except Exception:  # the database away: the message goes again, and is answered again
                _LOGGER.exception("The answer of host %s to %s was not recorded", self.host_id, frame.payload["id"])
                return
            if settled is not None:
                self._sent.pop(settled.seq, None)
                self._wake.set()  # room in the window
        else:
            answer = await self._gateway.receiver.apply(self.host, frame)
            if answer is not None:
                await self._send(answer)

    async def _hello(self, payload: dict[str, object]) -> None:
        _LOGGER.info(
            "Host %s linked: integration %s, Home Assistant %s, chargers %s, %s waiting in its outbox",
            self.host_id,
            payload.get("integration_version"),
            payload.get("ha_version"),
            payload.get("chargers"),
            payload.get("outbox"),
        )
        welcome = {
            "hub_version": __version__,
            "time": ocpi_time(self._now()),
            "host_id": self.host_id,
            "heartbeat_s": self._gateway.heartbeat_s,
        }
        await self._send(frame_text("welcome", welcome))
        self._greeted = True
        if self._delivery is None:
            self._delivery = asyncio.create_task(self._deliver(), name=f"link {self.id} delivery")

    async def _deliver(self) -> None:
        """Sends what the outbox holds for the host (everything unacknowledged, at first: the resend after a
        reconnect), then waits to be woken by a new message, an ack, or a message overdue for an answer."""
        while not self._ended:
            self._wake.clear()
            try:
                for seq, text in await self._gateway.unanswered(self.host_id, WINDOW):
                    if seq not in self._sent and len(self._sent) < WINDOW:
                        self._sent[seq] = (text, time.monotonic())
                        await self._send(text)
            except Exception:
                _LOGGER.exception("Down messages for host %s not read; trying again", self.host_id)
            await self._resend_overdue()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(RESEND_AFTER_S / 4 if self._sent else None):
                    await self._wake.wait()

    async def _resend_overdue(self) -> None:
        now = time.monotonic()
        for seq, (text, sent_at) in list(self._sent.items()):
            if now - sent_at >= RESEND_AFTER_S and seq in self._sent:
                self._sent[seq] = (text, now)
                await self._send(text)

    async def _keep_alive(self) -> None:
        """A ping every heartbeat; a peer that lets two of them pass without a word (no pong, no frame) is gone."""
        missed, pinged = 0, float("-inf")
        while not self._ended:
            await asyncio.sleep(self._gateway.heartbeat_s)
            missed = missed + 1 if self._last_heard < pinged else 0
            if missed >= MISSED_PINGS:
                _LOGGER.info("Host %s stopped answering pings; closing its link", self.host_id)
                self.close_soon(CLOSE_GOING_AWAY, "no answer to pings")  # a task this one's end does not cancel
                return
            pinged = time.monotonic()
            with contextlib.suppress(ConnectionResetError):
                await self.ws.ping()

    async def _send(self, text: str) -> None:
        with contextlib.suppress(ConnectionResetError):  # closing: the receive loop ends on its own
            await self.ws.send_str(text)

    def _now(self) -> datetime:
        return self._gateway.clock()
