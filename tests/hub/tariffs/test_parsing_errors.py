"""An invalid tariff is refused with the JSON path of the offending value and what was expected there."""

from __future__ import annotations

from decimal import Decimal
import json
import re
from typing import Any

import pytest

from chargeshare_hub.tariffs import Tariff, TariffError

from .helpers import component, element, tariff_json

MISSING = object()
DAYS = "MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY"
BAD_TIME = "expected a time of day HH:MM, 00:00 to 23:59"


def valid() -> dict[str, Any]:
    return tariff_json(
        element(component("ENERGY", "0.25", vat="10")),
        element(component("TIME", "2.00", step_size=300), start_time="08:00"),
    )


def with_value(path: str, value: object) -> dict[str, Any]:
    """A valid tariff with the value at path replaced (or removed, for MISSING)."""
    data = valid()
    keys: list[str | int] = [name or int(index) for name, index in re.findall(r"(\w+)|\[(\d+)\]", path)]
    parent: Any = data
    for key in keys[:-1]:
        parent = parent[key]
    if value is MISSING:
        del parent[keys[-1]]
    else:
        parent[keys[-1]] = value
    return data


def refusal(data: object) -> TariffError:
    with pytest.raises(TariffError) as caught:
        Tariff.from_ocpi(data)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("elements[1].price_components[0].step_size", 0, "expected a positive integer"),
        ("elements[1].price_components[0].step_size", 2.5, "expected a positive integer"),
        ("elements[1].price_components[0].step_size", True, "expected a positive integer"),
        ("elements[1].price_components[0].step_size", "300", "expected a positive integer"),
        ("elements[1].price_components[0].step_size", MISSING, "is required"),
        ("elements[0].price_components[0].price", -0.25, "must not be negative"),
        ("elements[0].price_components[0].price", "0.25", "expected a number"),
        ("elements[0].price_components[0].price", float("nan"), "expected a finite number"),
        ("elements[0].price_components[0].price", MISSING, "is required"),
        ("elements[0].price_components[0].vat", -10, "must not be negative"),
        ("elements[0].price_components[0].type", "POWER", "expected one of ENERGY, FLAT, PARKING_TIME, TIME"),
        ("elements[0].price_components[0].type", "energy", "expected one of ENERGY, FLAT, PARKING_TIME, TIME"),
        ("elements[0].price_components[0].type", MISSING, "is required"),
        ("elements[0].price_components[0].colour", "red", "unknown field"),
        ("elements[0].price_components", [], "expected at least one price component"),
        ("elements[0].price_components", {}, "expected a list"),
        ("elements[0]", "ENERGY", "expected an object"),
        ("elements", [], "expected at least one element"),
        ("elements", MISSING, "is required"),
        ("elements[1].restrictions", [], "expected an object"),
        ("elements[1].restrictions.start_time", "25:00", BAD_TIME),
        ("elements[1].restrictions.start_time", "24:00", BAD_TIME),
        ("elements[1].restrictions.start_time", "8:00", BAD_TIME),
        ("elements[1].restrictions.start_time", "08:60", BAD_TIME),
        ("elements[1].restrictions.start_time", 800, BAD_TIME),
        ("elements[1].restrictions.end_time", "17:00:00", BAD_TIME),
        ("elements[1].restrictions.start_date", "2024-02-30", "expected a date YYYY-MM-DD"),
        ("elements[1].restrictions.start_date", "20240201", "expected a date YYYY-MM-DD"),
        ("elements[1].restrictions.day_of_week", "MONDAY", "expected a list"),
        ("elements[1].restrictions.min_duration", 1.5, "expected a non-negative integer"),
        ("elements[1].restrictions.max_duration", -60, "expected a non-negative integer"),
        ("elements[1].restrictions.min_kwh", -1, "must not be negative"),
        ("elements[1].restrictions.max_power", "16", "expected a number"),
        ("elements[1].restrictions.max_kw", 11, "unknown field"),
        ("elements[1].restrictions.reservation", "BOOKING", "expected one of RESERVATION, RESERVATION_EXPIRES"),
        ("currency", "EURO", "expected 3 characters"),
        ("currency", "eur", "expected an ISO 4217 currency code, such as EUR"),
        ("currency", "ZZZ", "expected an ISO 4217 currency code, such as EUR"),
        ("currency", 978, "expected a string"),
        ("currency", MISSING, "is required"),
        ("country_code", "NLD", "expected 2 characters"),
        ("party_id", "CS", "expected 3 characters"),
        ("id", "x" * 37, "expected 1 to 36 characters"),
        ("id", "", "expected 1 to 36 characters"),
        ("type", "CHEAP", "expected one of AD_HOC_PAYMENT, PROFILE_CHEAP, PROFILE_FAST, PROFILE_GREEN, REGULAR"),
        ("tariff_alt_url", "company.com/tariffs", "expected an http(s) URL"),
        ("tariff_alt_text", {"language": "en", "text": "x"}, "expected a list"),
        ("max_price", 10, "expected an object"),
        ("energy_mix", "green", "expected an object"),
        ("last_updated", "yesterday", "expected an RFC 3339 date-time"),
        ("end_date_time", "2019-06-30", "expected an RFC 3339 date-time"),
        ("colour", "red", "unknown field"),
    ],
)
def test_an_invalid_value_is_named_by_its_path(path: str, value: object, message: str) -> None:
    error = refusal(with_value(path, value))
    assert (error.field, error.message) == (path, message)
    assert str(error) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        (
            "elements[1].restrictions.day_of_week",
            ["MONDAY", "FUNDAY"],
            "elements[1].restrictions.day_of_week[1]",
            f"expected one of {DAYS}",
        ),
        (
            "tariff_alt_text",
            [{"language": "en", "text": "ok"}, {"language": "english", "text": "x"}],
            "tariff_alt_text[1].language",
            "expected 2 characters",
        ),
        (
            "tariff_alt_text",
            [{"language": "en", "text": "x" * 513}],
            "tariff_alt_text[0].text",
            "expected 1 to 512 characters",
        ),
        ("min_price", {"incl_vat": 1}, "min_price.excl_vat", "is required"),
    ],
)
def test_a_bad_value_inside_a_list_or_object_is_named_by_its_full_path(
    path: str, value: object, field: str, message: str
) -> None:
    error = refusal(with_value(path, value))
    assert (error.field, error.message) == (field, message)


def test_a_tariff_that_is_not_an_object_is_refused_at_the_root() -> None:
    error = refusal(json.loads("[]"))
    assert (error.field, error.message) == ("$", "expected an object")


def test_a_tariff_error_is_a_value_error() -> None:
    assert issubclass(TariffError, ValueError)


def test_min_price_above_max_price_is_refused() -> None:
    data = valid() | {"min_price": {"excl_vat": 5}, "max_price": {"excl_vat": 1}}
    assert str(refusal(data)) == "min_price.excl_vat: must not exceed max_price.excl_vat"
    data = valid() | {"min_price": {"excl_vat": 1, "incl_vat": 5}, "max_price": {"excl_vat": 2, "incl_vat": 2.4}}
    assert str(refusal(data)) == "min_price.incl_vat: must not exceed max_price.incl_vat"


@pytest.mark.parametrize(
    ("low", "high", "low_value", "high_value"),
    [
        ("min_kwh", "max_kwh", 5, 5),
        ("min_current", "max_current", 32, 16),
        ("min_power", "max_power", 22, 11),
        ("min_duration", "max_duration", 3600, 1800),
        ("start_date", "end_date", "2024-02-01", "2024-01-01"),
    ],
)
def test_an_empty_range_is_refused(low: str, high: str, low_value: object, high_value: object) -> None:
    data = with_value(f"elements[1].restrictions.{low}", low_value)
    data["elements"][1]["restrictions"][high] = high_value
    assert str(refusal(data)) == f"elements[1].restrictions.{high}: must be greater than {low}"


def test_a_dimension_twice_in_one_element_is_refused() -> None:
    data = with_value("elements[0].price_components", [component("ENERGY", "0.25"), component("ENERGY", "0.30")])
    assert str(refusal(data)) == "elements[0].price_components[1].type: ENERGY appears twice in this element"


def test_a_day_listed_twice_is_refused() -> None:
    data = with_value("elements[1].restrictions.day_of_week", ["MONDAY", "FRIDAY", "MONDAY"])
    assert str(refusal(data)) == "elements[1].restrictions.day_of_week[2]: MONDAY is listed twice"


def test_a_reservation_element_prices_only_flat_and_time() -> None:
    data = with_value("elements[0].restrictions", {"reservation": "RESERVATION"})
    assert str(refusal(data)) == "elements[0].price_components[0].type: a reservation element prices only FLAT and TIME"


def test_flat_accepts_a_step_size_of_zero_but_not_a_negative_one() -> None:
    free = tariff_json(element(component("FLAT", "0", step_size=0)))
    assert Tariff.from_ocpi(free).elements[0].price_components[0].step_size == 0
    free["elements"][0]["price_components"][0]["step_size"] = -1
    assert str(refusal(free)) == "elements[0].price_components[0].step_size: expected a non-negative integer"


def test_null_is_read_as_absent() -> None:
    data = with_value("elements[0].price_components[0].vat", None)
    assert Tariff.from_ocpi(data).elements[0].price_components[0].vat is None


def test_numbers_may_come_as_float_int_or_decimal() -> None:
    for raw in (0.2, Decimal("0.2")):
        parsed = Tariff.from_ocpi(with_value("elements[0].price_components[0].price", raw))
        assert parsed.elements[0].price_components[0].price == Decimal("0.2")
    parsed = Tariff.from_ocpi(with_value("elements[0].price_components[0].price", 2))
    assert parsed.elements[0].price_components[0].price == 2
