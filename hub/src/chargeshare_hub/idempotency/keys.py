"""Claiming an idempotency key in the transaction of the write it guards, and replaying the first response.

The key's row is inserted at the start of the write's transaction and given the response before it commits, so
the write, the key and the response are kept together or not at all: a request that fails (any error) leaves no
key behind, and its retry runs afresh. A request whose key is claimed by a transaction still running waits for
it: on PostgreSQL the insert waits on the unique key, on SQLite the single writer queues the transactions; then
it replays the response that transaction committed. So concurrent requests with one key perform the write once
and all answer with the first response; none is told to come back later.

A flow that must commit before it is done (an outside payment service called between two transactions) commits
its claim without a response; until it records one, the key answers 409 idempotency_key_in_use.

Keys are scoped per user, and a key is forgotten 24 hours after its first use: then it is a new request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
import hashlib
import json
from typing import Any

from sqlalchemy import Row, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.dialects import conflict_insert
from ..web.errors import ApiError, bad_request, conflict
from .tables import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_MAX = 255
KEPT = timedelta(hours=24)
RETRY_AFTER_S = 1


@dataclass(frozen=True, slots=True)
class Reply:
    """A response as it is kept for replays: its status and its JSON body."""

    status: int
    body: Any


def key_from(headers: Mapping[str, str]) -> str:
    """The Idempotency-Key of a request's headers: 1 to 255 visible ASCII characters (a UUID is a good one)."""
    key = headers.get(HEADER)
    if key is None:
        raise bad_request(
            "idempotency_key_missing", f"This request moves money: send an {HEADER} header (a new UUID).", HEADER
        )
    if not 1 <= len(key) <= KEY_MAX or not all("!" <= char <= "~" for char in key):
        raise bad_request(
            "idempotency_key_invalid", f"An {HEADER} has 1 to {KEY_MAX} visible ASCII characters.", HEADER
        )
    return key


def fingerprint(method: str, path: str, body: Any) -> str:
    """What makes two requests the same: method, path with its query, and the body (key order aside)."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(session: AsyncSession, user_id: int, key: str, request_hash: str, now: datetime) -> Reply | None:
    """None: the key is this request's now, go on and write (then `remember`). Otherwise the response the key's
    first request gave; 422 idempotency_key_reused when that request was a different one."""
    if await _insert(session, user_id, key, request_hash, now):
        return None
    row = await _read(session, user_id, key)
    if row is None or row.created_at <= now - KEPT:
        # Older than we promise to keep it (the purge has not come by yet), or purged a moment ago: a new request.
        await session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.user_id == user_id, IdempotencyKey.key == key, IdempotencyKey.created_at <= now - KEPT
            )
        )
        if await _insert(session, user_id, key, request_hash, now):
            return None
        row = await _read(session, user_id, key)
        assert row is not None  # a concurrent request claimed the key anew and committed before our insert returned
    if row.request_hash != request_hash:
        raise ApiError(
            422,
            "idempotency_key_reused",
            f"This {HEADER} was used for a different request; use a new key for a new request.",
            HEADER,
        )
    if row.response_status is None:
        error = conflict("idempotency_key_in_use", f"The first request with this {HEADER} is still running.", HEADER)
        error.headers["Retry-After"] = str(RETRY_AFTER_S)
        raise error
    return Reply(row.response_status, row.response_body)


async def remember(session: AsyncSession, user_id: int, key: str, reply: Reply) -> None:
    """Keeps the response of the request that claimed the key, for its retries."""
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        .values(response_status=reply.status, response_body=reply.body)
    )


async def purge(session: AsyncSession, now: datetime) -> int:
    """Forgets the keys first used 24 hours ago or longer; how many."""
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at <= now - KEPT))
    return int(result.rowcount)


async def _insert(session: AsyncSession, user_id: int, key: str, request_hash: str, now: datetime) -> bool:
    inserted = await session.scalar(
        conflict_insert(session, IdempotencyKey)
        .values(user_id=user_id, key=key, request_hash=request_hash, created_at=now)
        .on_conflict_do_nothing()
        .returning(IdempotencyKey.user_id)
    )
    return inserted is not None


async def _read(session: AsyncSession, user_id: int, key: str) -> Row[Any] | None:
    return (
        await session.execute(
            select(
                IdempotencyKey.request_hash,
                IdempotencyKey.response_status,
                IdempotencyKey.response_body,
                IdempotencyKey.created_at,
            ).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        )
    ).first()
