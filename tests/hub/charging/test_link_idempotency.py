"""The link resends what it is not sure arrived: a repeated start, reading or end changes nothing, and a
session gets exactly one CDR."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from chargeshare_hub.charging.tables import Cdr, ChargingSession, MeterValue
from chargeshare_hub.web.context import HUB
from chargeshare_hub.web.errors import ApiError
from tests.hub.bookings.helpers import actor

from .helpers import SESSION_START, charged, charger, charging, end, example_tariff, start


async def _count(client: Any, table: type[Any]) -> int:
    async with client.server.app[HUB].db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_repeated_start_returns_the_session_unchanged(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host)
    first = await start(client, host, location_id, meter_wh=1_000)

    again = await start(client, host, location_id, meter_wh=9_999)

    assert (again.id, again.meter_start_wh) == (first.id, 1_000)
    assert await _count(client, ChargingSession) == 1


async def test_a_repeated_reading_is_applied_once(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host)
    await start(client, host, location_id)
    service = charging(client)
    at = SESSION_START + timedelta(minutes=10)

    await service.session_progress(host.user_id, "s1", message_id="m1", at=at, meter_wh=2_500)
    again = await service.session_progress(host.user_id, "s1", message_id="m1", at=at, meter_wh=2_500)

    assert again.energy_wh == 1_500
    assert await _count(client, MeterValue) == 1


async def test_a_repeated_end_returns_the_same_cdr_and_never_a_second(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host, example_tariff("tariff_8_simple_025kwh.json"))
    first = await charged(client, host, location_id)

    again = await end(client, host, minutes=90, meter_wh=50_000)

    assert (again.id, again.document) == (first.id, first.document)
    assert await _count(client, Cdr) == 1


async def test_a_reading_after_the_end_changes_nothing(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host)
    cdr = await charged(client, host, location_id, kwh=5)

    late = await charging(client).session_progress(
        host.user_id, "s1", message_id="late", at=SESSION_START + timedelta(hours=2), meter_wh=99_000
    )

    assert (late.status, late.energy_wh) == ("COMPLETED", 5_000)
    assert cdr.document["total_energy"] == 5


async def test_another_hosts_link_cannot_report_on_a_session(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    other = await actor(client, "other@example.org", host=True)
    location_id = await charger(client, host)
    await start(client, host, location_id)

    with pytest.raises(ApiError) as reading:
        await charging(client).session_progress(other.user_id, "s1", message_id="m1", at=SESSION_START, meter_wh=1)
    with pytest.raises(ApiError) as ending:
        await end(client, other, minutes=60, meter_wh=2_000)
    with pytest.raises(ApiError) as reusing:
        await start(client, other, await charger(client, other))

    assert (reading.value.status, ending.value.status, reusing.value.status) == (404, 404, 409)


async def test_a_session_cannot_start_at_another_hosts_charger(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    other = await actor(client, "other@example.org", host=True)
    location_id = await charger(client, host)

    with pytest.raises(ApiError) as refused:
        await start(client, other, location_id)

    assert refused.value.status == 404
    assert await _count(client, ChargingSession) == 0
