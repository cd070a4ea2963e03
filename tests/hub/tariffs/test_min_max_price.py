"""min_price and max_price bound the final totals, excl. and incl. VAT separately."""

from __future__ import annotations

from decimal import Decimal

from chargeshare_hub.tariffs import price

from .helpers import charging, component, element, session, tariff

PER_KWH = element(component("ENERGY", "0.25", vat="10"))


def test_min_price_raises_a_cheaper_session() -> None:
    minimum = tariff(PER_KWH, min_price={"excl_vat": Decimal("0.50"), "incl_vat": Decimal("0.55")})
    cost = price(minimum, session("2024-01-08 12:00", charging(10, "1")))
    assert (cost.excl_vat, cost.incl_vat) == (Decimal("0.50"), Decimal("0.55"))
    assert cost.min_price_applied
    assert not cost.max_price_applied


def test_max_price_caps_a_dearer_session() -> None:
    maximum = tariff(PER_KWH, max_price={"excl_vat": Decimal("10"), "incl_vat": Decimal("11")})
    cost = price(maximum, session("2024-01-08 12:00", charging(300, "60")))
    assert (cost.excl_vat, cost.incl_vat) == (Decimal("10"), Decimal("11"))
    assert cost.max_price_applied
    assert not cost.min_price_applied


def test_a_total_within_the_bounds_is_left_alone() -> None:
    bounded = tariff(
        PER_KWH,
        min_price={"excl_vat": Decimal("0.50"), "incl_vat": Decimal("0.55")},
        max_price={"excl_vat": Decimal("10"), "incl_vat": Decimal("11")},
    )
    cost = price(bounded, session("2024-01-08 12:00", charging(60, "20")))
    assert (cost.excl_vat, cost.incl_vat) == (Decimal("5.00"), Decimal("5.50"))
    assert not cost.min_price_applied
    assert not cost.max_price_applied


def test_each_total_is_bounded_on_its_own() -> None:
    # 2 kWh: 0.50 excl. VAT is at the minimum, 0.55 incl. VAT below its minimum of 0.60.
    minimum = tariff(PER_KWH, min_price={"excl_vat": Decimal("0.50"), "incl_vat": Decimal("0.60")})
    cost = price(minimum, session("2024-01-08 12:00", charging(10, "2")))
    assert (cost.excl_vat, cost.incl_vat) == (Decimal("0.50"), Decimal("0.60"))
    assert cost.min_price_applied


def test_a_bound_without_incl_vat_leaves_the_total_incl_vat_unknown_once_it_applies() -> None:
    minimum = tariff(PER_KWH, min_price={"excl_vat": Decimal("0.50")})
    raised = price(minimum, session("2024-01-08 12:00", charging(10, "1")))
    assert (raised.excl_vat, raised.incl_vat) == (Decimal("0.50"), None)
    above = price(minimum, session("2024-01-08 12:00", charging(10, "4")))
    assert (above.excl_vat, above.incl_vat) == (Decimal("1.00"), Decimal("1.10"))
