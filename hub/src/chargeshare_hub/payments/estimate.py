"""The most a booking's session can be expected to cost, which its hold reserves: the connector's tariff priced
for charging at the connector's full power for the whole booked slot, capped by the hub's setting.

The tariff is the one a session there would be priced with (charging/pricing.py), valid at the slot's start.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..bookings.tables import Booking
from ..charging.pricing import pricing_tariff, valid_at
from ..listings.power import max_power_w
from ..listings.tables import Connector, Location
from ..tariff_catalog.tables import HostTariff
from ..tariffs import Activity, Usage, UsagePeriod, price, to_minor_units


@dataclass(frozen=True, slots=True)
class Estimate:
    amount: int  # minor units
    currency: str


async def estimate(session: AsyncSession, booking: Booking, location: Location, cap: int) -> Estimate | None:
    """None: the connector has no tariff, so charging there costs nothing and needs no hold."""
    query = select(Connector).where(Connector.evse_row_id == booking.evse_row_id)
    if booking.connector_id is not None:
        query = query.where(Connector.connector_id == booking.connector_id)
    connector = await session.scalar(query.order_by(Connector.position).limit(1))
    if connector is None:
        return None
    named = await session.scalars(
        select(HostTariff).where(HostTariff.id.in_(connector.tariff_ids), HostTariff.host_id == location.host_id)
    )
    documents = {row.id: row.document for row in named}
    tariff = pricing_tariff(valid_at([documents[i] for i in connector.tariff_ids if i in documents], booking.starts_at))
    if tariff is None:
        return None
    power_kw = (
        Decimal(
            max_power_w(
                connector.power_type, connector.max_voltage, connector.max_amperage, connector.max_electric_power
            )
        )
        / 1000
    )
    slot = booking.ends_at - booking.starts_at
    energy_kwh = power_kw * Decimal(slot.total_seconds()) / 3600
    usage = Usage(location.time_zone, booking.starts_at, (UsagePeriod(Activity.CHARGING, slot, energy_kwh, power_kw),))
    cost = price(tariff, usage)
    amount = to_minor_units(cost.excl_vat if cost.incl_vat is None else cost.incl_vat, tariff.currency)
    return Estimate(min(max(amount, 0), cap), tariff.currency)
