"""Idempotent writes as the API's money-moving routes make them, and the purge of old keys.

A route hands its write to `respond`, which runs it in one transaction with the key's claim:

    async def top_up(request, principal, body):
        async def write(session: AsyncSession) -> Reply:
            ...  # post to the ledger in `session`
            return Reply(201, {...})
        return await hub.idempotency.respond(request, principal, body, write)

A replayed response carries `Idempotent-Replayed: true`. A write that raises changes nothing and keeps no key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..db.base import utcnow
from ..db.engine import Database
from .keys import Reply, claim, fingerprint, key_from, purge, remember

REPLAYED_HEADER = "Idempotent-Replayed"
Write = Callable[[AsyncSession], Awaitable[Reply]]


class IdempotencyKeys:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.clock = clock

    async def respond(self, request: web.Request, principal: Principal, body: Any, write: Write) -> web.Response:
        """The response of `write` under the request's Idempotency-Key (400 when it has none), or the first
        response given under it."""
        key = key_from(request.headers)
        reply, replayed = await self.run(
            principal.user_id, key, fingerprint(request.method, request.path_qs, body), write
        )
        headers = {REPLAYED_HEADER: "true"} if replayed else None
        return web.json_response(reply.body, status=reply.status, headers=headers)

    async def run(self, user_id: int, key: str, request_hash: str, write: Write) -> tuple[Reply, bool]:
        """`write`'s reply, or the first reply under the key (then True: it was replayed)."""
        async with self._db.write() as session:
            first = await claim(session, user_id, key, request_hash, self.clock())
            if first is not None:
                return first, True
            reply = await write(session)
            await remember(session, user_id, key, reply)
            return reply, False

    async def purge(self) -> int:
        """For the hub's periodic sweeps: forgets keys older than 24 hours; how many."""
        async with self._db.write() as session:
            return await purge(session, self.clock())
