"""The hub's side of the link: accepts a host's websocket (token checked before the upgrade, subprotocol
`chargeshare.link.v1` required), keeps one connection per host, and routes the log's internal events to it.

With `serve --workers N` a host's connection lives in one process while the change that queues a down message
may happen in another: every process tails the event log (`events.feed`), and the `link.outbox` event wakes the
connection wherever it is. A new connection announces itself the same way (`link.connected`), so the process
holding an older one of the same host closes it (4000 `replaced`), as does a revoked token (4001 `revoked`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
import logging

from aiohttp import web
from sqlalchemy import select

from ..accounts.principal import Principal
from ..accounts.service import TOKEN_REVOKED_EVENT
from ..events.feed import FEED, Event, EventFeed
from ..events.log import Audience, record_event
from ..web.context import HUB, Hub
from ..web.errors import ApiError, bad_request
from .commands import RemoteCommands
from .connection import CLOSE_GOING_AWAY, CLOSE_REPLACED, CLOSE_REVOKED, STOP_WAIT_S, Connection
from .frames import MAX_FRAME_BYTES, SUBPROTOCOL, frame_text
from .outbox import OUTBOX_EVENT
from .receiver import Receiver
from .tables import LinkOutbox

_LOGGER = logging.getLogger(__name__)
HEARTBEAT_S = 30
CONNECTED_EVENT = "link.connected"
# A frame up to this size is read and refused with a nack (over MAX_FRAME_BYTES), the connection staying open;
# a larger one closes it (1009): reading it whole would let one peer fill the hub's memory.
MAX_MESSAGE_BYTES = 4 * MAX_FRAME_BYTES


class LinkGateway:
    def __init__(
        self, hub: Hub, feed: EventFeed, clock: Callable[[], datetime], heartbeat_s: int = HEARTBEAT_S
    ) -> None:
        self.hub = hub
        self.clock = clock
        self.heartbeat_s = heartbeat_s
        self.receiver = Receiver(hub, clock)
        self._connections: dict[int, Connection] = {}
        self._stopping = False
        self._running: set[asyncio.Task[None]] = set()
        feed.listen(self._on_event)

    async def serve(self, request: web.Request, host: Principal) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(
            protocols=(SUBPROTOCOL,), autoping=False, max_msg_size=MAX_MESSAGE_BYTES, compress=False
        )
        if not ws.can_prepare(request).ok:
            raise bad_request("not_websocket", "Open the link as a websocket.")
        # aiohttp picks the first protocol both sides name, and goes on without one when none matches: a client
        # speaking another version would not notice. Refused here, before the upgrade.
        offered = [name.strip() for name in request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        if SUBPROTOCOL not in offered:
            raise bad_request(
                "unsupported_protocol", f"This hub speaks the link as {SUBPROTOCOL}.", "Sec-WebSocket-Protocol"
            )
        if self._stopping:
            raise ApiError(503, "shutting_down", "The hub is stopping; connect again in a moment.")
        await ws.prepare(request)
        connection = Connection(ws, host, self)
        older = self._connections.get(host.user_id)
        self._connections[host.user_id] = connection
        if older is not None:
            older.close_soon(CLOSE_REPLACED, "replaced")
        await self._announce(connection)
        # A task of its own, which the request's cancellation (a client gone, with handler_cancellation) does not
        # reach: a message being applied is applied, and the connection's tasks end before the database closes.
        task = asyncio.create_task(self._run(connection), name=f"link {connection.id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        await asyncio.shield(task)
        return ws

    async def _run(self, connection: Connection) -> None:
        try:
            await connection.run()
        finally:
            if self._connections.get(connection.host_id) is connection:
                del self._connections[connection.host_id]

    async def unanswered(self, host_id: int, limit: int) -> list[tuple[int, str]]:
        """The host's down messages not yet answered, oldest first, as frames."""
        async with self.hub.db.read() as session:
            rows = await session.scalars(
                select(LinkOutbox)
                .where(LinkOutbox.host_id == host_id, LinkOutbox.acked_at.is_(None))
                .order_by(LinkOutbox.seq)
                .limit(limit)
            )
            return [
                (row.seq, frame_text(row.type, row.payload, message_id=str(row.seq), at=row.created_at)) for row in rows
            ]

    async def shutdown(self) -> None:
        """Says goodbye to every host (they reconnect with backoff), closes their links and waits for them to end:
        none may be using the database once the app closes it."""
        self._stopping = True
        connections = list(self._connections.values())
        await asyncio.gather(
            *(connection.close(CLOSE_GOING_AWAY, "hub stopping", bye="shutdown") for connection in connections),
            return_exceptions=True,
        )
        if self._running:
            await asyncio.wait(self._running, timeout=STOP_WAIT_S)
        await self.receiver.stopped()

    async def _announce(self, connection: Connection) -> None:
        """Tells the other hub processes, so that one holding an older connection of the host closes it."""
        payload = {"host_id": connection.host_id, "connection_id": connection.id}
        try:
            async with self.hub.db.write() as session:
                row = record_event(session, CONNECTED_EVENT, payload, now=self.clock(), audience=Audience.INTERNAL)
                await session.flush()
                connection.announced_as = row.seq
        except Exception:  # the database away: this connection works all the same
            _LOGGER.exception("Could not announce the link of host %s", connection.host_id)

    def _on_event(self, event: Event) -> None:
        if event.kind == OUTBOX_EVENT:
            connection = self._connections.get(event.payload["host_id"])
            if connection is not None:
                connection.wake()
        elif event.kind == CONNECTED_EVENT:
            # Only a newer connection replaces: the feed may hand out an older one's announcement late.
            connection = self._connections.get(event.payload["host_id"])
            if connection is not None and connection.announced_as is not None and event.seq > connection.announced_as:
                connection.close_soon(CLOSE_REPLACED, "replaced")
        elif event.kind == TOKEN_REVOKED_EVENT:
            for connection in list(self._connections.values()):
                if connection.host.token_id == event.payload["token_id"]:
                    connection.close_soon(CLOSE_REVOKED, "revoked", bye="revoked")


GATEWAY: web.AppKey[LinkGateway] = web.AppKey("link_gateway", LinkGateway)
COMMANDS: web.AppKey[RemoteCommands] = web.AppKey("link_commands", RemoteCommands)


def install_link(app: web.Application, clock: Callable[[], datetime]) -> None:
    """The link's gateway and remote commands, on the app's services and event feed (install the feed first)."""
    hub = app[HUB]
    gateway = LinkGateway(hub, app[FEED], clock)
    app[GATEWAY] = gateway
    app[COMMANDS] = RemoteCommands(hub.db, clock)

    app.on_shutdown.append(lambda _app: gateway.shutdown())
