"""Repeated fault reports lower a listing in search: reports by at least two drivers within 90 days put it after
every unpenalised listing, in every sort and on every page, and the result says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chargeshare_hub.faults.penalty import SEARCH_PENALTY, PenaltyRule
from chargeshare_hub.search.read_model import set_fault_penalty, set_rating
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import START_OF_TESTS, Actor, Clock, actor, booked, period
from tests.hub.faults.helpers import report
from tests.hub.search.conftest import CENTRE, T2_11KW, connector, listing, offset, tariff

T0 = datetime(2026, 6, 1, tzinfo=UTC)
DAY = timedelta(days=1)
AROUND = f"lat={CENTRE[0]}&lon={CENTRE[1]}&radius_km=20"


@pytest.mark.parametrize(
    ("reports", "until"),
    [
        ([], None),
        ([(1, T0)], None),
        ([(1, T0), (1, T0 + DAY)], None),  # one reporter, however often
        ([(1, T0), (2, T0 + DAY)], T0 + 90 * DAY),  # held by the earlier of the two
        ([(1, T0), (2, T0 + DAY), (1, T0 + 10 * DAY)], T0 + 91 * DAY),  # each reporter's latest counts
        ([(1, T0), (2, T0 + DAY), (3, T0 + 5 * DAY)], T0 + 91 * DAY),  # the second most recent reporter
    ],
)
def test_the_rule_holds_while_two_reporters_reported_within_90_days(
    reports: list[tuple[int, datetime]], until: datetime | None
) -> None:
    assert PenaltyRule(reporters=2, window=90 * DAY) == SEARCH_PENALTY
    assert SEARCH_PENALTY.penalised_until(reports) == until


def test_the_rule_is_data() -> None:
    three = PenaltyRule(reporters=3, window=30 * DAY)

    assert three.penalised_until([(1, T0), (2, T0)]) is None
    assert three.penalised_until([(1, T0), (2, T0 + DAY), (3, T0 + 2 * DAY)]) == T0 + 30 * DAY


async def _town(client: Any, host: Actor) -> dict[str, str]:
    """Three listings 1, 2 and 3 km from the centre; the nearest is also the cheapest and the best rated."""
    for tariff_id, price in (("cheap", 0.20), ("middle", 0.30), ("dear", 0.45)):
        response = await client.post("/api/v1/tariffs", json=tariff(tariff_id, price), headers=host.headers)
        assert response.status == 201, await response.text()
    ids = {}
    for name, metres, tariff_id in (("near", 1000, "cheap"), ("middle", 2000, "middle"), ("far", 3000, "dear")):
        document = listing(name, offset(metres, 0), [connector(*T2_11KW, tariff_id)], [connector(*T2_11KW, tariff_id)])
        response = await client.post("/api/v1/listings", json=document, headers=host.headers)
        assert response.status == 201, await response.text()
        ids[name] = (await response.json())["id"]
    async with client.server.app[HUB].db.write() as session:
        for name, score in (("near", 4.9), ("middle", 4.0), ("far", 3.0)):
            await set_rating(session, ids[name], score, 10)
    return ids


async def _drivers_report(client: Any, location_id: str, *drivers: Actor, now: datetime = START_OF_TESTS) -> None:
    for driver in drivers:
        await booked(client, driver, location_id, period(2, now=now))
        response = await report(client, driver, location_id, "evse-0")
        assert response.status == 201, await response.text()


async def _results(client: Any, query: str) -> list[tuple[str, bool]]:
    response = await client.get(f"/api/v1/search?{query}")
    assert response.status == 200, await response.text()
    return [(result["name"], result["repeated_faults"]) for result in (await response.json())["results"]]


@pytest.mark.parametrize("sort", ["distance", "price", "rating"])
async def test_two_drivers_reporting_put_the_listing_last_in_every_sort(client: Any, sort: str) -> None:
    host = await actor(client, "host@example.org", host=True)
    ids = await _town(client, host)
    before = await _results(client, f"{AROUND}&sort={sort}")

    drivers = [await actor(client, "a@example.org"), await actor(client, "b@example.org")]
    await _drivers_report(client, ids["near"], *drivers)
    after = await _results(client, f"{AROUND}&sort={sort}")

    assert before == [("near", False), ("middle", False), ("far", False)]
    assert after == [("middle", False), ("far", False), ("near", True)]


async def test_one_driver_reporting_twice_or_the_host_does_not_count(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    ids = await _town(client, host)
    await booked(client, driver, ids["near"], period(2))
    for evse_uid in ("evse-0", "evse-1"):
        assert (await report(client, driver, ids["near"], evse_uid)).status == 201
    assert (await report(client, host, ids["near"], "evse-0")).status == 201

    assert await _results(client, AROUND) == [("near", False), ("middle", False), ("far", False)]


async def test_the_penalty_ends_90_days_after_the_earlier_of_the_two_reports(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    ids = await _town(client, host)
    await _drivers_report(client, ids["near"], await actor(client, "a@example.org"))
    clock.advance(days=10)
    await _drivers_report(client, ids["near"], await actor(client, "b@example.org"), now=clock.now)
    clock.advance(days=50)
    for location_id in ids.values():  # keeps the listings from going stale meanwhile
        await client.post(f"/api/v1/listings/{location_id}/availability-confirmation", headers=host.headers)

    clock.advance(days=30, seconds=-1)
    still = await _results(client, AROUND)
    clock.advance(seconds=1)
    over = await _results(client, AROUND)

    assert still[-1] == ("near", True)
    assert over[0] == ("near", False)


async def _penalised(client: Any, *location_ids: str) -> None:
    """The penalty as the read model stores it, for the paging tests (the rule is tested above)."""
    async with client.server.app[HUB].db.write() as session:
        for location_id in location_ids:
            await set_fault_penalty(session, location_id, datetime(2027, 1, 1, tzinfo=UTC))


async def _pages(client: Any, query: str) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        response = await client.get(f"/api/v1/search?{query}" + ("" if cursor is None else f"&cursor={cursor}"))
        assert response.status == 200, await response.text()
        page = await response.json()
        pages.append([result["name"] for result in page["results"]])
        cursor = page["next"]
        if cursor is None:
            return pages


@pytest.mark.parametrize("free", [False, True])
async def test_pages_near_a_point_put_penalised_listings_after_farther_unpenalised_ones(
    client: Any, free: bool
) -> None:
    host = await actor(client, "host@example.org", host=True)
    ids = {}
    # A first, small circle around the centre holds one unpenalised and two penalised listings: enough rows for
    # the first page, yet the page must reach out to the unpenalised listing far away.
    for name, metres in (("u 200 m", 200), ("p 100 m", 100), ("p 300 m", 300), ("u 8 km", 8000), ("u 9 km", 9000)):
        document = listing(name, offset(metres, 0), [connector(*T2_11KW)])
        ids[name] = (await (await client.post("/api/v1/listings", json=document, headers=host.headers)).json())["id"]
    await _penalised(client, ids["p 100 m"], ids["p 300 m"])
    window = "&free_from=2026-06-02T08:00:00Z&free_until=2026-06-02T09:00:00Z" if free else ""

    pages = await _pages(client, f"{AROUND}&limit=2{window}")

    assert pages == [["u 200 m", "u 8 km"], ["u 9 km", "p 100 m"], ["p 300 m"]]
