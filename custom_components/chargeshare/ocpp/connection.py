"""The websocket under a charge point, as the ocpp library wants it: `recv()` and `send()`."""

from __future__ import annotations

import logging
from typing import Protocol

from aiohttp import WSCloseCode, WSMsgType, web

_LOGGER = logging.getLogger(__name__)


class ConnectionClosed(ConnectionError):
    """The charge point's websocket is closed."""


class Connection(Protocol):
    async def recv(self) -> str: ...

    async def send(self, data: str) -> None: ...

    async def close(self, code: int = WSCloseCode.OK) -> None: ...


class WebSocketConnection:
    """Adapts an aiohttp server websocket; binary frames are not OCPP-J and are skipped."""

    def __init__(self, ws: web.WebSocketResponse, charge_point_id: str) -> None:
        self._ws = ws
        self._charge_point_id = charge_point_id

    async def recv(self) -> str:
        while True:
            message = await self._ws.receive()
            if message.type is WSMsgType.TEXT:
                return str(message.data)
            if message.type is WSMsgType.BINARY:
                _LOGGER.warning("%s: ignored a binary frame (OCPP-J uses text frames)", self._charge_point_id)
                continue
            if message.type is WSMsgType.ERROR:
                # aiohttp has already closed the socket, e.g. with 1009 for a frame over the size limit.
                _LOGGER.warning("%s: connection closed: %s", self._charge_point_id, message.data)
            raise ConnectionClosed(self._charge_point_id)

    async def send(self, data: str) -> None:
        if self._ws.closed:
            raise ConnectionClosed(self._charge_point_id)
        try:
            await self._ws.send_str(data)
        except ConnectionError as err:
            raise ConnectionClosed(self._charge_point_id) from err

    async def close(self, code: int = WSCloseCode.OK) -> None:
        await self._ws.close(code=code)
