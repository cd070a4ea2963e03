"""A tariff with a mistake is refused with 400, names the field by its JSON path, and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.listings.helpers import signed_in

from .helpers import create_tariff, per_kwh


def _component(**changes: Any) -> dict[str, Any]:
    return per_kwh(elements=[{"price_components": [{"type": "ENERGY", "price": 0.3, "step_size": 1, **changes}]}])


def _restricted(**restrictions: Any) -> dict[str, Any]:
    return per_kwh(
        elements=[
            {"price_components": [{"type": "ENERGY", "price": 0.3, "step_size": 1}], "restrictions": restrictions}
        ]
    )


def _without(name: str) -> dict[str, Any]:
    tariff = per_kwh()
    del tariff[name]
    return tariff


@pytest.mark.parametrize(
    ("tariff", "field"),
    [
        (_without("currency"), "currency"),
        (per_kwh(currency="eur"), "currency"),
        (per_kwh(currency="EURO"), "currency"),
        (per_kwh(currency="ABC"), "currency"),
        (_without("elements"), "elements"),
        (per_kwh(elements=[]), "elements"),
        (per_kwh(elements=[{"price_components": []}]), "elements[0].price_components"),
        (_component(price=-0.1), "elements[0].price_components[0].price"),
        (_component(price="0.30"), "elements[0].price_components[0].price"),
        (_component(step_size=0), "elements[0].price_components[0].step_size"),
        (_component(type="KWH"), "elements[0].price_components[0].type"),
        (_component(vat=True), "elements[0].price_components[0].vat"),
        (_restricted(start_time="25:00"), "elements[0].restrictions.start_time"),
        (_restricted(day_of_week=["MONDAY", "FUNDAY"]), "elements[0].restrictions.day_of_week[1]"),
        (_restricted(min_kwh=10, max_kwh=5), "elements[0].restrictions.max_kwh"),
        (per_kwh(min_price={"excl_vat": 5}, max_price={"excl_vat": 1}), "min_price.excl_vat"),
        (per_kwh(type="CHEAP"), "type"),
        (per_kwh(discount=10), "discount"),
        (per_kwh(tariff_alt_url="ftp://example.org/prices"), "tariff_alt_url"),
        (per_kwh(country_code="DEU"), "country_code"),
        (per_kwh(party_id="CS"), "party_id"),
        (per_kwh(start_date_time="next monday"), "start_date_time"),
        (per_kwh(id="a/b"), "id"),
        (per_kwh(id="x" * 37), "id"),
        (per_kwh(id=12), "id"),
    ],
)
async def test_a_bad_tariff_is_refused_naming_the_field(client: Any, tariff: dict[str, Any], field: str) -> None:
    await signed_in(client, "host@example.org", host=True)

    response = await client.post("/api/v1/tariffs", json=tariff)

    assert response.status == 400
    error = (await response.json())["error"]
    assert (error["code"], error["field"]) == ("invalid", field)
    assert error["message"].startswith(f"{field}: ")
    assert (await (await client.get("/api/v1/tariffs")).json())["tariffs"] == []


async def test_a_body_that_is_not_an_object_is_refused(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)

    response = await client.post("/api/v1/tariffs", json=[per_kwh()])

    assert response.status == 400


async def test_a_refused_replacement_changes_nothing(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    created = await create_tariff(client, per_kwh(id="t1"))

    response = await client.put("/api/v1/tariffs/t1", json=_component(step_size=-5))

    assert response.status == 400
    assert (await response.json())["error"]["field"] == "elements[0].price_components[0].step_size"
    assert await (await client.get("/api/v1/tariffs/t1")).json() == created
