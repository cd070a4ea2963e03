"""One comparable figure per tariff, for searching and sorting listings by price.

Tariffs mix per-kWh, per-hour, parking and flat prices, so "the price per kWh" only exists for a given
session. The reference session: 10 kWh charged evenly in one hour (10 kW, about what an 11 kW wallbox gives,
drawing 43.5 A summed over the phases at 230 V), starting at 12:00 local time on Wednesday 15 January 2025, no
reservation, unplugged as soon as charging stops (no parking). It is priced with the real calculator
(restrictions, step sizes, min/max price and all), and its total divided by 10 is the figure. A fixed date keeps
the figure the same from day to day; it falls outside daylight saving time everywhere north of the equator, like
the specification's own worked examples.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from .calculator import price
from .model import Tariff
from .money import to_minor_units
from .usage import Usage, UsagePeriod

REFERENCE_ENERGY_KWH = Decimal(10)
REFERENCE_DURATION = timedelta(hours=1)
REFERENCE_CURRENT_A = Decimal("43.5")
REFERENCE_DAY = date(2025, 1, 15)  # a Wednesday
REFERENCE_START = time(12, 0)


def indicative_price_per_kwh(tariff: Tariff, time_zone: str) -> int:
    """Minor units of the tariff's currency per kWh of the reference session, incl. VAT (excl. VAT when the
    tariff does not give the VAT of every component used); rounded half up."""
    start = datetime.combine(REFERENCE_DAY, REFERENCE_START, tzinfo=ZoneInfo(time_zone))
    usage = Usage(
        time_zone,
        start,
        (UsagePeriod.charging(REFERENCE_DURATION, REFERENCE_ENERGY_KWH, current_a=REFERENCE_CURRENT_A),),
    )
    cost = price(tariff, usage)
    total = cost.excl_vat if cost.incl_vat is None else cost.incl_vat
    return to_minor_units(total / REFERENCE_ENERGY_KWH, tariff.currency)
