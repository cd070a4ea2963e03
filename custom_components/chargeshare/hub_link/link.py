"""The hub link: one websocket from this Home Assistant to the ChargeShare hub, kept up (docs/hub-link.md).

`send` puts an up message in the persistent outbox and returns its id; the connection delivers it when it
can, in order, again after every reconnect, until the hub acks it. Down messages go to the handler
registered for their type, one at a time in the order they came: the hub gets an ack once the handler
returned and the message's id is stored (a repeat is acked without running the handler again), a nack when
the handler raised LinkRefusal, and nothing when it failed otherwise (the hub resends it).

Between connections the link waits with backoff and jitter; a token the hub refuses stops it until the
host has paired again (the entry's reauthentication flow), a hub that speaks another protocol version is
tried hourly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import random
import time
from typing import Any, Final

import aiohttp
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util
from homeassistant.util.ulid import ulid

from ..charger import Listeners
from ..const import DOMAIN, LOGGER
from . import protocol
from .backoff import MAX_WAIT_S, Backoff, Uniform
from .connection import (
    REVOKED,
    AuthRefused,
    Incompatible,
    LinkConnection,
    LinkFailed,
    Replaced,
    Welcome,
    async_open,
)
from .health import LinkHealth
from .outbox import Outbox
from .protocol import Frame

INCOMPATIBLE_RETRY_S: Final = 3600.0

Handler = Callable[[dict[str, Any]], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Timing:
    """What the link waits with; tests put in their own (LINK_TIMING is read when a link is made)."""

    sleep: Sleep = asyncio.sleep
    uniform: Uniform = random.uniform  # the backoff's jitter
    clock: Callable[[], float] = time.monotonic  # how long a connection lasted


LINK_TIMING = Timing()


class LinkRefusal(Exception):
    """Raised by a down message's handler: the message can never be applied; the hub gets a nack."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class HubLink:
    """The integration's end of the link; one per Home Assistant (the hub link config entry's runtime data)."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        hub_url: str,
        token: str,
        outbox: Outbox,
        health: LinkHealth,
        hello: Callable[[], dict[str, Any]],
        on_auth_refused: Callable[[], None],
        session: aiohttp.ClientSession,
        timing: Timing | None = None,
    ) -> None:
        timing = timing or LINK_TIMING
        self._hass = hass
        self._hub_url = hub_url
        self._token = token
        self._outbox = outbox
        self._health = health
        self._hello = hello
        self._on_auth_refused = on_auth_refused
        self._session = session
        self._sleep = timing.sleep
        self._backoff = Backoff(timing.uniform)
        self._clock = timing.clock
        self.connected = False
        self.welcome: Welcome | None = None
        self.last_error: str | None = None
        self._handlers: dict[str, Handler] = {}
        self._listeners = Listeners()
        self._connection: LinkConnection | None = None
        self._down: asyncio.Queue[tuple[Frame, Handler]] = asyncio.Queue()
        self._queued: set[str] = set()
        self._tasks: list[asyncio.Task[None]] = []
        outbox.on_durable(self._wake_sender)

    # ------------------------------------------------------------------ the interface

    async def send(self, type_: str, payload: dict[str, Any]) -> str:
        """Queue an up message durably (it is in the Store when this returns); returns its id."""
        if type_ not in protocol.UP_TYPES:
            raise ValueError(f"{type_} is not an up message of the link protocol")
        frame_id = ulid()
        await self._outbox.async_append(protocol.frame(type_, payload, dt_util.utcnow(), frame_id))
        return frame_id

    def register(self, type_: str, handler: Handler) -> None:
        """Handle the down messages of `type_` with `handler` (one handler per type)."""
        if type_ not in protocol.DOWN_TYPES:
            raise ValueError(f"{type_} is not a down message of the link protocol")
        self._handlers[type_] = handler

    def add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` when the link connects or disconnects; returns the function that removes it."""
        return self._listeners.add(listener)

    @property
    def pending(self) -> int:
        """Up messages the hub has not acknowledged yet."""
        return len(self._outbox)

    # ------------------------------------------------------------------ running

    @callback
    def start(self) -> None:
        self._health.link_down()
        self._tasks = [
            self._hass.async_create_background_task(self._run(), "chargeshare hub link"),
            self._hass.async_create_background_task(self._apply_down_messages(), "chargeshare hub link apply"),
        ]

    async def async_stop(self) -> None:
        """Close the connection and end every task of the link."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self._health.stop()
        await self._outbox.async_flush()

    async def _run(self) -> None:
        while True:
            connected_at: float | None = None
            try:
                ws = await async_open(self._session, self._hub_url, self._token)
                connection = LinkConnection(ws, self._outbox, self._on_down_message)
                try:
                    welcome = await connection.async_handshake({**self._hello(), "outbox": self.pending})
                    connected_at = self._clock()
                    self._set_connected(connection, welcome)
                    why = await connection.async_serve(welcome.heartbeat_s)
                finally:
                    self._set_disconnected()
                    await connection.async_close()
                if connection.bye_reason == REVOKED:
                    raise AuthRefused("the hub revoked the link token")
                raise LinkFailed(why)
            except AuthRefused as err:
                self._failed(str(err))
                LOGGER.error("The ChargeShare hub refuses this link (%s): pair again to resume it", err)
                self._on_auth_refused()
                return
            except Incompatible as err:
                self._failed(str(err))
                self._health.incompatible(str(err))
                wait = INCOMPATIBLE_RETRY_S
            except Replaced as err:
                # Another Home Assistant uses this token (a restored backup?): taking the connection back
                # at once would throw the two out in turn forever.
                self._failed(str(err))
                wait = MAX_WAIT_S
            except (LinkFailed, aiohttp.ClientError, ConnectionError) as err:
                self._failed(str(err) or type(err).__name__)
                if connected_at is not None:
                    self._backoff.connection_lasted(self._clock() - connected_at)
                wait = self._backoff.next_wait()
            except Exception as err:  # a bug must not end the link for good: log it and dial again
                LOGGER.exception("Hub link failed unexpectedly")
                self._failed(f"unexpected error: {err!r}")
                wait = self._backoff.next_wait()
            LOGGER.debug("Hub link: next attempt in %.1f s", wait)
            await self._sleep(wait)

    def _set_connected(self, connection: LinkConnection, welcome: Welcome) -> None:
        self._connection = connection
        self.welcome = welcome
        self.connected = True
        self.last_error = None
        LOGGER.info("Linked to the ChargeShare hub %s (hub %s)", self._hub_url, welcome.hub_version)
        self._health.link_up()
        connection.wake()
        self._listeners.notify()

    def _set_disconnected(self) -> None:
        self._connection = None
        if self.connected:
            self.connected = False
            self._health.link_down()
            self._listeners.notify()

    def _failed(self, error: str) -> None:
        if error != self.last_error:
            LOGGER.warning("Hub link to %s: %s", self._hub_url, error)
        self.last_error = error
        self._health.failed(error)

    def _wake_sender(self) -> None:
        if self._connection is not None:
            self._connection.wake()

    # ------------------------------------------------------------------ down messages

    def _on_down_message(self, received: Frame) -> None:
        """From the reader: queue the message for its handler, unless it was applied (ack) or is queued."""
        frame_id = received.id
        assert frame_id is not None  # protocol.decode refuses down messages without one
        if self._outbox.applied(frame_id):
            self._reply(protocol.ack(frame_id, dt_util.utcnow()))
            return
        if frame_id in self._queued:
            return  # a resend while the first is still waiting: one ack will follow
        handler = self._handlers.get(received.type)
        if handler is None:  # its part of the integration is not running (yet): the hub resends later
            LOGGER.warning("No handler for the hub's %s message %s; left for a resend", received.type, frame_id)
            return
        self._queued.add(frame_id)
        self._down.put_nowait((received, handler))

    async def _apply_down_messages(self) -> None:
        while True:
            received, handler = await self._down.get()
            frame_id = received.id
            assert frame_id is not None
            try:
                await handler(received.payload)
                await self._outbox.async_mark_applied(frame_id)
            except LinkRefusal as err:
                LOGGER.warning("Refused the hub's %s message %s: %s", received.type, frame_id, err.message)
                self._reply(protocol.nack(frame_id, err.code, err.message, err.field, dt_util.utcnow()))
            except Exception:
                LOGGER.exception("Could not apply the hub's %s message %s; the hub resends it", received.type, frame_id)
            else:
                self._reply(protocol.ack(frame_id, dt_util.utcnow()))
            finally:
                self._queued.discard(frame_id)

    def _reply(self, built: dict[str, Any]) -> None:
        """Send an ack or nack if connected; lost with the connection, it comes back as the hub's resend."""
        connection = self._connection
        if connection is not None:
            self._hass.async_create_task(self._async_reply(connection, built), "chargeshare hub link reply")

    async def _async_reply(self, connection: LinkConnection, built: dict[str, Any]) -> None:
        try:
            await connection.async_send(built)
        except (aiohttp.ClientError, ConnectionError) as err:
            LOGGER.debug("An answer to the hub was lost with its connection: %s", err)


def hub_link_for(hass: HomeAssistant) -> HubLink | None:
    """This Home Assistant's link, while its entry is loaded (there is at most one)."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        link = getattr(getattr(entry, "runtime_data", None), "link", None)
        if isinstance(link, HubLink) and entry.state is ConfigEntryState.LOADED:
            return link
    return None
