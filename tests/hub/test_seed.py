"""`seed --hosts N`: generated hosts around real towns, valid listings, reproducible, weighted by population."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
import random
import statistics
from typing import Any

import pytest
from sqlalchemy import select

from chargeshare_hub.cli import main
from chargeshare_hub.db.engine import Database
from chargeshare_hub.listings.power import max_power_w
from chargeshare_hub.listings.tables import Location
from chargeshare_hub.listings.validation import validate_listing
from chargeshare_hub.search.read_model import refresh_location
from chargeshare_hub.search.spatial import haversine_m
from chargeshare_hub.search.tables import SearchConnector, SearchEntry
from chargeshare_hub.seed import seed_hosts
from chargeshare_hub.seed.chargers import SeedListing, seed_listing
from chargeshare_hub.seed.towns import EUROPE, jittered, pick, towns
from chargeshare_hub.tariff_catalog.tables import HostTariff
from chargeshare_hub.tariffs import Tariff
from tests.hub.listings.helpers import without

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 (reproducible made-up data)


def _generated(seed: int, count: int, countries: tuple[str, ...] = EUROPE) -> list[SeedListing]:
    rng = _rng(seed)
    places = pick(rng, towns(countries), count)
    return [seed_listing(rng, seed, index, town) for index, town in enumerate(places)]


async def test_seeded_listings_read_back_through_the_api_as_valid_listings(client: Any, db: Database) -> None:
    await seed_hosts(db, 40, seed=7, countries=("DE", "NL", "GB"), clock=lambda: NOW)
    async with db.read() as session:
        locations = list(await session.scalars(select(Location).where(Location.publish.is_(True))))
        tariffs = list(await session.scalars(select(HostTariff)))

    for location in locations:
        response = await client.get(f"/api/v1/listings/{location.id}")
        assert response.status == 200
        validate_listing(without(await response.json(), ("max_power",)))
    assert len(tariffs) == 40
    for row in tariffs:
        assert Tariff.from_ocpi(row.document).id == row.id


async def test_seeded_search_rows_equal_what_a_listing_write_computes(db: Database) -> None:
    await seed_hosts(db, 40, seed=8, countries=("NL", "US"), clock=lambda: NOW)
    before = await _search_rows(db)

    async with db.write() as session:
        for location_id in before:
            await refresh_location(session, location_id)

    assert await _search_rows(db) == before
    assert {entry["price_per_kwh"] is None for entry, _ in before.values()} == {False}


async def _search_rows(db: Database) -> dict[str, tuple[dict[str, Any], list[tuple[int, str, int]]]]:
    async with db.read() as session:
        entries = list(await session.scalars(select(SearchEntry)))
        connectors = list(await session.scalars(select(SearchConnector)))
    by_entry = {
        entry.id: sorted((c.evse_row_id, c.standard, c.max_power) for c in connectors if c.entry_id == entry.id)
        for entry in entries
    }
    return {
        entry.location_id: (
            {column.key: getattr(entry, column.key) for column in SearchEntry.__table__.columns if column.key != "id"},
            by_entry[entry.id],
        )
        for entry in entries
    }


async def test_seeding_writes_exactly_what_the_generator_gives_for_the_seed(db: Database) -> None:
    await seed_hosts(db, 25, seed=11, countries=("BE",), clock=lambda: NOW)
    async with db.read() as session:
        stored = {
            row.id: (row.latitude, row.longitude, row.city, row.time_zone, row.country)
            for row in await session.scalars(select(Location))
        }

    expected = {
        item.location["id"]: tuple(
            item.location[key] for key in ("latitude", "longitude", "city", "time_zone", "country")
        )
        for item in _generated(11, 25, ("BE",))
    }
    assert stored == expected


def test_the_same_seed_gives_the_same_hosts_and_another_seed_others() -> None:
    assert _generated(3, 200) == _generated(3, 200)
    assert _generated(3, 200) != _generated(4, 200)


def test_hosts_are_drawn_in_proportion_to_town_population() -> None:
    candidates = towns(("NL",))
    total = sum(town.population for town in candidates)
    draws = Counter(town.name for town in pick(_rng(1), candidates, 50_000))

    for town in candidates[:5]:
        expected = 50_000 * town.population / total
        assert abs(draws[town.name] - expected) < 4 * expected**0.5 + 1, town.name
    small = candidates[len(candidates) // 2 :]
    assert sum(draws[town.name] for town in small) < 50_000 * 0.2


def test_chargers_lie_one_to_three_kilometres_around_their_town() -> None:
    rng = _rng(2)
    town = towns(("DE",))[0]
    distances = [haversine_m(town.latitude, town.longitude, *jittered(rng, town)) for _ in range(5000)]

    # Rayleigh-distributed offsets: the median is 1.18 sigma, sigma drawn uniformly from 1 to 3 km.
    assert 2000 < statistics.median(distances) < 2700
    assert max(distances) < 15_000


def test_the_european_charger_mix_matches_its_shares() -> None:
    listings = _generated(5, 4000)
    connectors = [connector for item in listings for _, cs in item.evses for connector in cs]
    powers = Counter(
        max_power_w(c["power_type"], c["max_voltage"], c["max_amperage"], c["max_electric_power"]) for c in connectors
    )
    share = {power: count / len(connectors) for power, count in powers.items()}
    tariffs = [item.tariff_body["elements"][0]["price_components"][0]["type"] for item in listings]

    assert set(share) == {11_040, 7_360, 22_080, 2_300}
    assert 0.50 < share[11_040] < 0.60
    assert 0.21 < share[7_360] < 0.29
    assert 0.10 < share[22_080] < 0.16
    assert 0.04 < share[2_300] < 0.10
    assert 0.08 < sum(not item.location["publish"] for item in listings) / len(listings) < 0.12
    assert 0.12 < tariffs.count("FLAT") / len(listings) < 0.18
    assert 0.17 < sum(len(item.evses) == 2 for item in listings) / len(listings) < 0.23


def test_north_american_hosts_get_j1772_and_nema_on_split_phase() -> None:
    listings = _generated(6, 1000, ("US",))
    kinds = Counter(
        (c["standard"], c["power_type"], c["max_voltage"], c["max_amperage"])
        for item in listings
        for _, cs in item.evses
        for c in cs
    )

    assert set(kinds) == {("IEC_62196_T1", "AC_2_PHASE_SPLIT", 120, 30), ("NEMA_14_50", "AC_2_PHASE_SPLIT", 120, 40)}
    assert 0.74 < kinds[("IEC_62196_T1", "AC_2_PHASE_SPLIT", 120, 30)] / sum(kinds.values()) < 0.86
    assert {item.tariff_body["currency"] for item in listings} == {"USD"}


def test_the_seed_command_adds_hosts_once_per_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["--data-dir", str(tmp_path), "seed", "--hosts", "5", "--seed", "3", "--countries", "nl,be"]

    assert main(arguments) == 0
    assert main(arguments) == 1
    assert main(["--data-dir", str(tmp_path), "seed", "--hosts", "1", "--countries", "QQ"]) == 1

    captured = capsys.readouterr()
    assert "Demo accounts:" in captured.out
    assert "Seeded 5 hosts" in captured.out
    assert "hosts of seed 3 are on this hub already" in captured.err
    assert "unknown country codes: QQ" in captured.err
