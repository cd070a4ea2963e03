"""A host's Home Assistant as the tests play it: pairing, the link's websocket, and an SSE reader."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass, field
from datetime import datetime
import itertools
import json
from typing import Any

import aiohttp
from sqlalchemy import func, select

from chargeshare_hub.link.frames import SUBPROTOCOL
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor

_ids = itertools.count(1)
WAIT_S = 5.0


async def paired(client: Any, host: Actor) -> str:
    """A link token, as the integration's config flow gets one: a pairing code from the hub page, redeemed."""
    code = await client.post("/api/v1/pairing-codes", headers=host.headers)
    assert code.status == 201, await code.text()
    pair = await client.post("/api/v1/link/pair", json={"code": (await code.json())["code"]})
    assert pair.status == 201, await pair.text()
    token: str = (await pair.json())["token"]
    return token


def z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Link:
    """One websocket of the link, from Home Assistant's side; frames not asked for yet wait in `unread`."""

    ws: aiohttp.ClientWebSocketResponse
    unread: list[dict[str, Any]] = field(default_factory=list)

    async def send(self, kind: str, payload: dict[str, Any], message_id: str | None = None) -> str:
        message_id = message_id or f"m{next(_ids)}"
        await self.ws.send_str(json.dumps({"v": 1, "type": kind, "id": message_id, "payload": payload}))
        return message_id

    async def apply(self, kind: str, payload: dict[str, Any], message_id: str | None = None) -> dict[str, Any]:
        """Sends an up message; returns the hub's answer to it (its ack or nack)."""
        message_id = await self.send(kind, payload, message_id)
        return await self.answer_to(message_id)

    async def answer_to(self, message_id: str) -> dict[str, Any]:
        return await self.receive(
            lambda frame: frame["type"] in ("ack", "nack") and frame["payload"].get("id") == message_id
        )

    async def next(self, kind: str) -> dict[str, Any]:
        return await self.receive(lambda frame: frame["type"] == kind)

    async def receive(self, wanted: Any, wait: float = WAIT_S) -> dict[str, Any]:
        for frame in self.unread:
            if wanted(frame):
                self.unread.remove(frame)
                return frame
        async with asyncio.timeout(wait):
            while True:
                message = await self.ws.receive()
                assert message.type == aiohttp.WSMsgType.TEXT, message
                frame: dict[str, Any] = json.loads(message.data)
                if wanted(frame):
                    return frame
                self.unread.append(frame)

    async def ack(self, frame: dict[str, Any]) -> None:
        await self.ws.send_str(json.dumps({"v": 1, "type": "ack", "payload": {"id": frame["id"]}}))

    async def nothing_more(self, wait: float = 0.3) -> list[dict[str, Any]]:
        """Every frame that arrives within `wait` (and what was unread)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait):
                while True:
                    message = await self.ws.receive()
                    if message.type != aiohttp.WSMsgType.TEXT:
                        break
                    self.unread.append(json.loads(message.data))
        frames, self.unread = self.unread, []
        return frames


def hello() -> dict[str, Any]:
    return {"integration_version": "0.2.0", "ha_version": "2026.3.1", "chargers": ["wallbox-1"], "outbox": 0}


async def open_socket(client: Any, token: str, protocols: tuple[str, ...] = (SUBPROTOCOL,)) -> Any:
    return await client.ws_connect(
        "/api/v1/link", protocols=protocols, headers={"Authorization": f"Bearer {token}"}, autoping=True
    )


@contextlib.asynccontextmanager
async def linked(client: Any, token: str) -> AsyncIterator[Link]:
    """A connected, greeted link."""
    link = Link(await open_socket(client, token))
    try:
        await link.ws.send_str(json.dumps({"v": 1, "type": "hello", "payload": hello()}))
        await link.next("welcome")
        yield link
    finally:
        await link.ws.close()


class EventStream:
    """A browser on the SSE stream."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response

    async def next(self, wait: float = WAIT_S) -> dict[str, Any]:
        """The next event: its id, its kind and its data."""
        event: dict[str, Any] = {}
        async with asyncio.timeout(wait):
            while True:
                line = (await self.response.content.readline()).decode().rstrip("\n")
                if not line:
                    if "data" in event:
                        return event
                    event = {}
                    continue
                name, _, value = line.partition(": ")
                if name == "id":
                    event["id"] = int(value)
                elif name == "event":
                    event["event"] = value
                elif name == "data":
                    event["data"] = json.loads(value)

    async def none_within(self, wait: float) -> bool:
        try:
            await self.next(wait)
        except TimeoutError:
            return True
        return False


@contextlib.asynccontextmanager
async def event_stream(
    client: Any, query: str = "", headers: dict[str, str] | None = None
) -> AsyncIterator[EventStream]:
    response = await client.get(f"/api/v1/events{query}", headers=headers)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"].startswith("text/event-stream")
    try:
        yield EventStream(response)
    finally:
        response.close()


async def count(client: Any, table: type[Any], *where: Any) -> int:
    async with client.server.app[HUB].db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(table).where(*where)) or 0)
