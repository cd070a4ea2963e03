"""Every tariff of the OCPI 2.2.1 examples reads and writes back unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
import json
from pathlib import Path

import pytest

from chargeshare_hub.tariffs import Tariff
from tests.hub.reference import OCPI_EXAMPLES as EXAMPLES

from .helpers import component, element, tariff_json


def _example_files() -> list[Path]:
    files = sorted(EXAMPLES.glob("tariff*.json"))
    if not files:
        pytest.fail(
            f"no OCPI tariff examples in {EXAMPLES}: check the shared folder out beside the repository", pytrace=False
        )
    return files


EXAMPLE_FILES = _example_files()


def test_all_tariff_examples_are_covered() -> None:
    assert len(EXAMPLE_FILES) == 21


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[path.stem for path in EXAMPLE_FILES])
def test_an_example_tariff_round_trips(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    tariff = Tariff.from_ocpi(data)
    assert tariff.to_ocpi() == data
    assert Tariff.from_ocpi(tariff.to_ocpi()) == tariff


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[path.stem for path in EXAMPLE_FILES])
def test_reading_floats_gives_the_decimals_written(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert Tariff.from_ocpi(json.loads(text)) == Tariff.from_ocpi(json.loads(text, parse_float=Decimal))


def test_optional_fields_not_in_the_examples_round_trip() -> None:
    data = tariff_json(
        element(
            component("TIME", "1.00", step_size=60),
            start_date="2024-01-01",
            end_date="2025-01-01",
            min_power=Decimal("3.7"),
            max_current=Decimal("16"),
            day_of_week=["SATURDAY", "SUNDAY"],
        ),
        start_date_time="2024-01-01T00:00:00Z",
        min_price={"excl_vat": Decimal("0.50")},
        energy_mix={"is_green_energy": True, "supplier_name": "Sun"},
    )
    assert Tariff.from_ocpi(data).to_ocpi() == data


def test_date_times_are_written_in_utc() -> None:
    data = tariff_json(element(component("FLAT", "1")), last_updated="2024-06-01T14:00:00+02:00")
    tariff = Tariff.from_ocpi(data)
    assert tariff.last_updated == datetime(2024, 6, 1, 12, tzinfo=UTC)
    assert tariff.to_ocpi()["last_updated"] == "2024-06-01T12:00:00Z"


def test_the_energy_mix_is_carried_as_a_copy() -> None:
    mix = {"is_green_energy": True, "energy_sources": [{"source": "SOLAR", "percentage": 100}]}
    tariff = Tariff.from_ocpi(tariff_json(element(component("FLAT", "1")), energy_mix=mix))
    mix["energy_sources"][0]["percentage"] = 0  # type: ignore[index]
    assert tariff.energy_mix == {"is_green_energy": True, "energy_sources": [{"source": "SOLAR", "percentage": 100}]}
