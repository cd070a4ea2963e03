"""free_from/free_until: an EVSE that is open, bookable and unbooked for the whole window, with the connector
asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
import uuid

import pytest
from sqlalchemy import select

from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.listings.tables import Evse
from chargeshare_hub.web.context import HUB
from tests.hub.listings.helpers import create, sign_out, signed_in
from tests.hub.search.conftest import CENTRE, SCHUKO, T2_11KW, connector, listing, names, offset, search

AROUND = f"lat={CENTRE[0]}&lon={CENTRE[1]}&radius_km=10"
WEEKDAY_EVENINGS = [{"weekday": day, "period_begin": "18:00", "period_end": "24:00"} for day in range(1, 6)]
EVENINGS = {"twentyfourseven": False, "regular_hours": WEEKDAY_EVENINGS}
CLOSED_ON_THE_12TH = {"twentyfourseven": True, "exceptional_closings": [
    {"period_begin": "2030-06-12T00:00:00Z", "period_end": "2030-06-13T00:00:00Z"}]}  # fmt: skip


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 6, 12, hour, minute, tzinfo=UTC)  # a Wednesday; Berlin is UTC+2 then


def _window(start: datetime, end: datetime) -> str:
    return f"{AROUND}&free_from={start:%Y-%m-%dT%H:%M:%SZ}&free_until={end:%Y-%m-%dT%H:%M:%SZ}"


async def _book(
    client: Any, driver_id: int, location_id: str, uid: str, start: datetime, end: datetime, status: str
) -> None:
    async with client.server.app[HUB].db.write() as session:
        evse = await session.scalar(select(Evse).where(Evse.location_id == location_id, Evse.uid == uid))
        assert evse is not None
        session.add(
            Booking(id=str(uuid.uuid4()), request_id=str(uuid.uuid4()), location_id=location_id, evse_row_id=evse.id,
                    connector_id="1", driver_id=driver_id, starts_at=start, ends_at=end,
                    reservation_status=status, id_tag=uuid.uuid4().hex[:20], respond_by=None,
                    cancellation_reason=None, who_canceled=None, created_at=_at(0), last_updated=_at(0))
        )  # fmt: skip


@pytest.fixture
async def places(client: Any) -> dict[str, str]:
    driver_id = int((await signed_in(client, "driver@example.org"))["id"])
    await sign_out(client)
    await signed_in(client, "host@example.org", host=True)
    sent = [
        listing("booked 10-12", CENTRE, [connector(*T2_11KW)]),
        listing("out of order", offset(100, 0), [connector(*T2_11KW)]),
        listing("evenings", offset(200, 0), [connector(*T2_11KW)], opening_times=EVENINGS),
        listing("type 2 booked, schuko free", offset(300, 0), [connector(*T2_11KW)], [connector(*SCHUKO)]),
        listing("closed on the 12th", offset(400, 0), [connector(*T2_11KW)], opening_times=CLOSED_ON_THE_12TH),
    ]
    sent[1]["evses"][0]["status"] = "OUTOFORDER"
    ids = {item["name"]: str((await create(client, item))["id"]) for item in sent}
    await sign_out(client)
    await _book(client, driver_id, ids["booked 10-12"], "evse-0", _at(10), _at(12), "RESERVED")
    await _book(client, driver_id, ids["booked 10-12"], "evse-0", _at(6), _at(20), "CANCELED")
    await _book(client, driver_id, ids["type 2 booked, schuko free"], "evse-0", _at(8), _at(22), "PENDING")
    return ids


async def test_a_booking_holding_part_of_the_window_excludes_the_evse(client: Any, places: dict[str, str]) -> None:
    assert "booked 10-12" not in await names(client, _window(_at(11), _at(13)))
    assert "booked 10-12" not in await names(client, _window(_at(9), _at(10, 1)))


async def test_a_window_starting_as_a_booking_ends_is_free(client: Any, places: dict[str, str]) -> None:
    assert "booked 10-12" in await names(client, _window(_at(12), _at(14)))
    assert "booked 10-12" in await names(client, _window(_at(8), _at(10)))


async def test_an_evse_out_of_order_is_never_free(client: Any, places: dict[str, str]) -> None:
    assert "out of order" not in await names(client, _window(_at(12), _at(14)))


async def test_the_listing_must_be_open_for_the_whole_window_in_its_own_time_zone(
    client: Any, places: dict[str, str]
) -> None:
    assert "evenings" in await names(client, _window(_at(16), _at(22)))  # 18:00-24:00 in Berlin
    assert "evenings" not in await names(client, _window(_at(15, 30), _at(17)))  # from 17:30 local


async def test_a_dated_closing_closes_a_listing_open_around_the_clock(client: Any, places: dict[str, str]) -> None:
    assert "closed on the 12th" not in await names(client, _window(_at(12), _at(14)))
    assert "closed on the 12th" in await names(
        client, _window(_at(12) + timedelta(days=1), _at(14) + timedelta(days=1))
    )


async def test_the_free_evse_must_have_the_connector_asked_for(client: Any, places: dict[str, str]) -> None:
    window = _window(_at(12), _at(14))

    assert "type 2 booked, schuko free" in await names(client, window)
    assert "type 2 booked, schuko free" not in await names(client, window + "&standard=IEC_62196_T2")
    assert "type 2 booked, schuko free" in await names(client, window + "&standard=DOMESTIC_F")
    assert "type 2 booked, schuko free" not in await names(client, window + "&min_power_kw=3")


async def test_pages_skip_closed_listings_and_still_give_each_result_once(client: Any, places: dict[str, str]) -> None:
    window = _window(_at(15), _at(17))  # 17:00 to 19:00 in Berlin: "evenings" opens too late
    everything = await names(client, window + "&limit=100")
    seen, cursor = [], None
    while True:
        page = await search(client, window + "&limit=1" + (f"&cursor={cursor}" if cursor else ""))
        seen += [result["name"] for result in page["results"]]
        cursor = page["next"]
        if cursor is None:
            break

    assert seen == everything == ["booked 10-12", "type 2 booked, schuko free"]
