"""The control channel between the benchmark's coordinator and a child process's event loop.

The coordinator is plain blocking code; the children run asyncio. A child reads its end of a
multiprocessing pipe from the event loop (`add_reader`), so no thread sits waiting on it.
"""

from __future__ import annotations

import asyncio
from multiprocessing.connection import Connection
from typing import Any


class ChannelClosed(ConnectionError):
    """The coordinator went away."""


class AsyncChannel:
    """A child process's end of the control pipe, awaitable from its event loop."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._loop = asyncio.get_running_loop()
        self._inbox: asyncio.Queue[Any] = asyncio.Queue()
        self._closed = False
        self._loop.add_reader(connection.fileno(), self._readable)

    def send(self, message: Any) -> None:
        """Send a small picklable message (a pipe write of a few hundred bytes does not block)."""
        self._connection.send(message)

    async def receive(self) -> Any:
        message = await self._inbox.get()
        if message is ChannelClosed:
            raise ChannelClosed
        return message

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._loop.remove_reader(self._connection.fileno())

    def _readable(self) -> None:
        try:
            while self._connection.poll():
                self._inbox.put_nowait(self._connection.recv())
        except (EOFError, OSError):
            self.close()
            self._inbox.put_nowait(ChannelClosed)
