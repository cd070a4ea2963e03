"""VAT is a percentage per price component; a missing one is unknown, not 0 %."""

from __future__ import annotations

from decimal import Decimal

from chargeshare_hub.tariffs import Dimension, price

from .helpers import charging, component, element, parking, reserved, session, tariff


def test_incl_vat_adds_each_components_own_rate() -> None:
    mixed = tariff(element(component("FLAT", "1.00", vat="20"), component("ENERGY", "0.25", vat="10")))
    cost = price(mixed, session("2024-01-08 12:00", charging(60, "10")))
    assert cost.excl_vat == Decimal("3.50")
    assert cost.incl_vat == Decimal("1.20") + Decimal("2.75")
    by_dimension = {d.dimension: d.incl_vat for d in cost.dimensions}
    assert by_dimension == {Dimension.FLAT: Decimal("1.20"), Dimension.ENERGY: Decimal("2.75")}


def test_zero_vat_is_known() -> None:
    untaxed = tariff(element(component("ENERGY", "0.25", vat="0")))
    cost = price(untaxed, session("2024-01-08 12:00", charging(60, "10")))
    assert cost.incl_vat == cost.excl_vat == Decimal("2.50")


def test_a_used_component_without_vat_makes_incl_vat_unknown() -> None:
    partly = tariff(element(component("ENERGY", "0.25", vat="10"), component("PARKING_TIME", "2.00")))
    cost = price(partly, session("2024-01-08 12:00", charging(60, "10"), parking(30)))
    assert cost.excl_vat == Decimal("3.50")
    assert cost.incl_vat is None


def test_a_component_without_vat_that_is_not_used_does_not_matter() -> None:
    partly = tariff(element(component("ENERGY", "0.25", vat="10"), component("PARKING_TIME", "2.00")))
    cost = price(partly, session("2024-01-08 12:00", charging(60, "10")))
    assert cost.incl_vat == Decimal("2.75")


def test_reservation_and_session_vat_add_up() -> None:
    booking = tariff(
        element(component("FLAT", "2.00", vat="20"), reservation="RESERVATION"),
        element(component("FLAT", "0.50", vat="20"), component("ENERGY", "0.25", vat="10")),
    )
    cost = price(booking, session("2024-01-08 12:00", charging(60, "20"), reservation=reserved(10)))
    assert (cost.excl_vat, cost.incl_vat) == (Decimal("7.50"), Decimal("2.40") + Decimal("0.60") + Decimal("5.50"))
