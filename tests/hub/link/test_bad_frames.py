"""A frame the hub cannot apply is answered with a nack naming what is wrong (with the message's id when it could
be read), changes nothing, and leaves the connection open for the next one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chargeshare_hub.link.tables import LinkReceived
from tests.hub.bookings.helpers import Clock, actor, listing
from tests.hub.faults.helpers import evse_status

from .helpers import count, linked, paired, z


def _status(location_id: str, clock: Clock, **changes: Any) -> dict[str, Any]:
    return {
        "location_id": location_id,
        "evse_uid": "wallbox-1",
        "status": "CHARGING",
        "changed_at": z(clock.now),
    } | changes


@pytest.mark.parametrize(
    ("frame", "code", "field", "has_id"),
    [
        ("{not json", "invalid_json", None, False),
        ('["a", "list"]', "invalid", None, False),
        ('{"v": 2, "type": "evse.status", "id": "m1", "payload": {}}', "unsupported_version", "v", True),
        ('{"v": 1, "type": "evse.teleport", "id": "m1", "payload": {}}', "unknown_type", "type", True),
        ('{"v": 1, "type": "evse.status", "payload": {}}', "invalid", "id", False),
        ('{"v": 1, "type": "evse.status", "id": "m1", "payload": []}', "invalid", "payload", True),
        ('{"v": 1, "type": "evse.status", "id": "m1"}', "invalid", "payload", True),
    ],
)
async def test_a_frame_that_breaks_the_envelope_is_refused(
    client: Any, frame: str, code: str, field: str | None, has_id: bool
) -> None:
    host = await actor(client, "host@example.org", host=True)

    async with linked(client, await paired(client, host)) as link:
        await link.ws.send_str(frame)
        nack = await link.next("nack")

    assert nack["payload"]["code"] == code
    assert nack["payload"].get("field") == field
    assert ("id" in nack["payload"]) == has_id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "TELEPORTING"}, "status"),
        ({"changed_at": "yesterday"}, "changed_at"),
        ({"changed_at": "2026-06-01T08:00:00"}, "changed_at"),
        ({"evse_uid": 17}, "evse_uid"),
    ],
)
async def test_a_payload_that_breaks_its_schema_is_refused_by_field_and_changes_nothing(
    client: Any, clock: Clock, changes: dict[str, Any], field: str
) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)

    async with linked(client, await paired(client, host)) as link:
        nack = await link.apply("evse.status", _status(location_id, clock, **changes), "m1")
        ack = await link.apply("evse.status", _status(location_id, clock), "m2")  # the connection stays

    assert (nack["type"], nack["payload"]["id"], nack["payload"]["field"]) == ("nack", "m1", field)
    assert ack == {"v": 1, "type": "ack", "payload": {"id": "m2"}}
    assert await count(client, LinkReceived) == 1


async def test_a_refusal_of_a_service_is_a_nack_and_a_resend_of_it_is_refused_again(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    other = await actor(client, "other@example.org", host=True)
    others_listing = await listing(client, other)

    async with linked(client, await paired(client, host)) as link:
        first = await link.apply("evse.status", _status(others_listing, clock), "m1")
        again = await link.apply("evse.status", _status(others_listing, clock), "m1")

    assert first == again
    assert first["payload"] == {"id": "m1", "code": "not_found", "message": "No such listing."}
    assert await evse_status(client, others_listing, "wallbox-1") == "AVAILABLE"
    assert await count(client, LinkReceived) == 0


async def test_a_frame_over_256_kib_is_refused_and_the_link_stays_open(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    padded = _status(location_id, clock) | {"padding": "x" * (256 * 1024)}

    async with linked(client, await paired(client, host)) as link:
        await link.ws.send_str(json.dumps({"v": 1, "type": "evse.status", "id": "m1", "payload": padded}))
        nack = await link.next("nack")
        ack = await link.apply("evse.status", _status(location_id, clock), "m2")

    assert nack["payload"]["code"] == "too_large"
    assert ack["type"] == "ack"
