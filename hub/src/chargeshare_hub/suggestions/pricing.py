"""What a charge costs under a connector's tariff, priced by the tariff calculator as a session would be.

The charge is priced as charging at the estimated power from the start for the estimated minutes, unplugged
as soon as it ends (no parking time), like the search's indicative price. Amounts include VAT when the tariff
gives it for every component used, else exclude it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from ..tariffs import Tariff, Usage, UsagePeriod, price, to_minor_units


def charging_cost(
    tariff: Tariff, time_zone: str, start: datetime, *, energy_wh: int, power_w: int, minutes: int, voltage: int
) -> int:
    """Minor units of the tariff's currency."""
    power_kw = Decimal(power_w) / 1000
    period = UsagePeriod.charging(
        timedelta(minutes=minutes),
        Decimal(energy_wh) / 1000,
        power_kw=power_kw,
        current_a=Decimal(power_w) / voltage,  # summed over the phases, with OCPI's line-to-neutral voltage
    )
    cost = price(tariff, Usage(time_zone, start, (period,)))
    return to_minor_units(cost.excl_vat if cost.incl_vat is None else cost.incl_vat, tariff.currency)
