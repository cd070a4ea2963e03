"""One websocket to the hub, from the upgrade to its close (docs/hub-link.md, "Pairing and authentication",
"Session start").

Opening it sorts out why a hub refuses us: a token it no longer accepts (reauthentication), a hub that does
not speak this protocol version (a repair issue), or anything passing (try again later). Once open: hello,
welcome, then three things at once: reading the hub's frames, sending the outbox in order, and pinging.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import aiohttp
from homeassistant.util import dt as dt_util
from yarl import URL

from ..const import LOGGER
from . import protocol
from .outbox import Outbox
from .protocol import Frame, FrameError

WELCOME_TIMEOUT_S: Final = 10.0
CONNECT_TIMEOUT_S: Final = 20.0
DEFAULT_HEARTBEAT_S: Final = 30.0
MAX_HEARTBEAT_S: Final = 3600.0
MISSED_PONGS_ALLOWED: Final = 2
CLOCK_SKEW_WARNING_S: Final = 60.0
CLOSE_REPLACED: Final = 4000  # the hub took a newer connection of the same host instead
REVOKED: Final = "revoked"  # the reason of a bye when the host revoked the token


class AuthRefused(Exception):
    """The hub does not accept the token (unknown, expired, revoked, or not a link token)."""


class Incompatible(Exception):
    """The hub does not speak this protocol version."""


class LinkFailed(Exception):
    """Anything that ends a connection or an attempt for a passing reason."""


class Replaced(LinkFailed):
    """The hub closed this connection for a newer one of the same host (close code 4000)."""


@dataclass(frozen=True, slots=True)
class Welcome:
    hub_version: str
    host_id: int | None
    heartbeat_s: float
    hub_time: datetime | None


def link_url(hub_url: str) -> URL:
    """ws(s)://{hub}/api/v1/link for the hub's http(s) address, keeping any path prefix it lives under."""
    url = URL(hub_url)
    scheme = "wss" if url.scheme == "https" else "ws"
    return (url / "api/v1/link").with_scheme(scheme)


async def async_open(session: aiohttp.ClientSession, hub_url: str, token: str) -> aiohttp.ClientWebSocketResponse:
    """The upgraded websocket; AuthRefused, Incompatible or LinkFailed when there is none."""
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            ws = await session.ws_connect(
                link_url(hub_url),
                protocols=(protocol.SUBPROTOCOL,),
                headers={aiohttp.hdrs.AUTHORIZATION: f"Bearer {token}"},
                autoping=False,  # pongs are counted here (two missed close the link)
                max_msg_size=protocol.MAX_FRAME_BYTES,
            )
    except aiohttp.WSServerHandshakeError as err:
        if err.status in (401, 403):
            raise AuthRefused(f"the hub refused the link token (HTTP {err.status})") from err
        if err.status in (400, 404):  # no link endpoint, or one that refuses our subprotocol
            raise Incompatible(f"the hub does not offer {protocol.SUBPROTOCOL} (HTTP {err.status})") from err
        raise LinkFailed(f"the hub answered HTTP {err.status}") from err
    except TimeoutError as err:
        raise LinkFailed("the hub did not answer in time") from err
    except (aiohttp.ClientError, OSError) as err:
        raise LinkFailed(f"cannot reach the hub: {err}") from err
    if ws.protocol != protocol.SUBPROTOCOL:
        await ws.close()
        raise Incompatible(f"the hub answered with the subprotocol {ws.protocol!r}, not {protocol.SUBPROTOCOL}")
    return ws


class LinkConnection:
    """An open websocket: the handshake, then reading, the outbox and the heartbeat until it closes."""

    def __init__(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        outbox: Outbox,
        on_down_message: Callable[[Frame], None],
    ) -> None:
        self._ws = ws
        self._outbox = outbox
        self._on_down_message = on_down_message
        self._wake = asyncio.Event()
        self._unanswered_pings = 0
        self._pongs_missed = False
        self.bye_reason: str | None = None

    async def async_handshake(self, hello: dict[str, Any]) -> Welcome:
        await self.async_send(protocol.frame(protocol.HELLO, hello, dt_util.utcnow()))
        try:
            async with asyncio.timeout(WELCOME_TIMEOUT_S):
                while True:
                    message = await self._ws.receive()
                    if message.type is not aiohttp.WSMsgType.TEXT:
                        raise LinkFailed(f"the hub sent {message.type.name} instead of welcome")
                    try:
                        received = protocol.decode(message.data)
                    except FrameError as err:
                        raise LinkFailed(f"the hub's welcome cannot be read: {err}") from err
                    if received.type == protocol.BYE:
                        self._note_bye(received)
                        if self.bye_reason == REVOKED:
                            raise AuthRefused("the hub revoked the link token")
                        raise LinkFailed(f"the hub said bye: {self.bye_reason}")
                    if received.type == protocol.WELCOME:
                        return _welcome(received.payload)
                    raise LinkFailed(f"the hub sent {received.type} before welcome")
        except TimeoutError as err:
            raise LinkFailed("the hub did not answer hello") from err

    async def async_serve(self, heartbeat_s: float) -> str:
        """Run until the connection ends; returns why it ended (Replaced when the hub took another one)."""
        tasks = [
            asyncio.create_task(self._send_outbox(), name="chargeshare hub link outbox"),
            asyncio.create_task(self._heartbeat(heartbeat_s), name="chargeshare hub link heartbeat"),
        ]
        try:
            return await self._read()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def wake(self) -> None:
        """More of the outbox may be sent."""
        self._wake.set()

    async def async_send(self, built: dict[str, Any]) -> None:
        await self._ws.send_str(protocol.encode(built))

    async def async_close(self) -> None:
        with contextlib.suppress(aiohttp.ClientError, ConnectionError):
            await self._ws.close()

    async def _read(self) -> str:
        async for message in self._ws:
            if message.type is aiohttp.WSMsgType.TEXT:
                await self._received(message.data)
            elif message.type is aiohttp.WSMsgType.PING:
                await self._ws.pong(message.data)
            elif message.type is aiohttp.WSMsgType.PONG:
                self._unanswered_pings = 0
            elif message.type is aiohttp.WSMsgType.BINARY:
                await self._ws.close(code=aiohttp.WSCloseCode.UNSUPPORTED_DATA, message=b"text frames only")
                return "the hub sent a binary frame"
            elif message.type is aiohttp.WSMsgType.ERROR:
                return f"the connection failed: {self._ws.exception()}"
        if self._pongs_missed:
            return f"the hub answered none of {MISSED_PONGS_ALLOWED} pings"
        if self._ws.close_code == CLOSE_REPLACED:
            raise Replaced("another connection with this link's token replaced this one")
        if self.bye_reason is not None:
            return f"the hub closed the link: {self.bye_reason}"
        return f"the hub closed the connection (code {self._ws.close_code})"

    async def _received(self, text: str) -> None:
        try:
            received = protocol.decode(text)
        except FrameError as err:
            LOGGER.warning("The hub sent a frame that cannot be read: %s", err)
            await self.async_send(protocol.nack(err.frame_id, "invalid", str(err), err.field, dt_util.utcnow()))
            return
        if received.type in (protocol.ACK, protocol.NACK):
            self._acknowledged(received)
        elif received.type == protocol.BYE:
            self._note_bye(received)
        elif received.type in protocol.DOWN_TYPES:
            self._on_down_message(received)
        # A second welcome changes nothing.

    def _acknowledged(self, received: Frame) -> None:
        frame_id = received.payload.get("id")
        if not isinstance(frame_id, str):
            LOGGER.warning("The hub sent an %s without an id: %s", received.type, received.payload)
            return
        dropped = self._outbox.acknowledged(frame_id)
        if dropped is not None and received.type == protocol.NACK:
            payload = received.payload
            LOGGER.warning(
                "The hub refused the %s message %s for good (%s, field %s): %s",
                dropped["type"],
                frame_id,
                payload.get("code"),
                payload.get("field"),
                payload.get("message"),
            )

    def _note_bye(self, received: Frame) -> None:
        reason = received.payload.get("reason")
        self.bye_reason = reason if isinstance(reason, str) else "unknown"

    async def _send_outbox(self) -> None:
        """Everything durable in the outbox, in order, each once per connection; then wait for more."""
        sent: set[str] = set()
        while True:
            self._wake.clear()
            for built in self._outbox.sendable():
                if built["id"] not in sent:
                    await self.async_send(built)
                    sent.add(built["id"])
            await self._wake.wait()

    async def _heartbeat(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            if self._unanswered_pings >= MISSED_PONGS_ALLOWED:
                self._pongs_missed = True
                await self._ws.close(code=aiohttp.WSCloseCode.GOING_AWAY, message=b"no pong")
                return
            self._unanswered_pings += 1
            await self._ws.ping()


def _welcome(payload: dict[str, Any]) -> Welcome:
    heartbeat = payload.get("heartbeat_s")
    if isinstance(heartbeat, bool) or not isinstance(heartbeat, int | float) or not 0 < heartbeat <= MAX_HEARTBEAT_S:
        heartbeat = DEFAULT_HEARTBEAT_S
    host_id = payload.get("host_id")
    hub_time = protocol.parse_time(payload.get("time"))
    if hub_time is not None:
        skew = abs((hub_time - dt_util.utcnow()).total_seconds())
        if skew > CLOCK_SKEW_WARNING_S:
            LOGGER.warning(
                "The hub's clock and this Home Assistant's differ by %.0f s: booking windows at the charger "
                "open and close that much off. Check the time synchronisation of both",
                skew,
            )
    return Welcome(
        hub_version=str(payload.get("hub_version", "?")),
        host_id=host_id if isinstance(host_id, int) and not isinstance(host_id, bool) else None,
        heartbeat_s=float(heartbeat),
        hub_time=hub_time,
    )
