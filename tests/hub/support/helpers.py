"""Asking for support and answering it."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import Actor

REQUESTS = "/api/v1/support-requests"


async def ask(client: Any, user: Actor, subject: str = "Charger refuses my card", **fields: Any) -> Any:
    body = {"subject": subject, "body": "It says: authorisation failed.", **fields}
    return await client.post(REQUESTS, json=body, headers=user.headers)


async def asked(client: Any, user: Actor, subject: str = "Charger refuses my card", **fields: Any) -> dict[str, Any]:
    response = await ask(client, user, subject, **fields)
    assert response.status == 201, await response.text()
    document: dict[str, Any] = await response.json()
    return document


async def reply(client: Any, user: Actor, request_id: str, body: str = "Please try again now.") -> Any:
    return await client.post(f"{REQUESTS}/{request_id}/replies", json={"body": body}, headers=user.headers)


async def close(client: Any, user: Actor, request_id: str) -> Any:
    return await client.post(f"{REQUESTS}/{request_id}/close", headers=user.headers)


async def read(client: Any, user: Actor, request_id: str) -> Any:
    return await client.get(f"{REQUESTS}/{request_id}", headers=user.headers)
