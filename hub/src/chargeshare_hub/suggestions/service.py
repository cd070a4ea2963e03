"""Planning a charge with one's vehicle at a listing the driver may see (anything else: 404).

- An estimate: per connector of the bookable EVSEs, the power the car charges with, the minutes the energy
  takes (see `vehicles.charging_time`) and what charging it costs under the connector's tariff from a start.
- Suggestions: of the free slots within a window that fit the charge (each connector's own charging time,
  booked in whole steps of the terms), the cheapest (charging plus booking fee; ties: the earlier, then the
  connector first in the host's order) and the greenest (see `green`; ties: the cheaper, then the earlier).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..bookings import fees
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..listings.health import HealthRules
from ..vehicles.charging_time import CarLimits, charging_minutes, charging_power_w
from ..vehicles.params import check_fits_battery
from ..vehicles.service import car_limits, owned_vehicle
from ..web.errors import bad_request, conflict
from .green import GreenShare, mix_of
from .pricing import charging_cost
from .slots import ListingSlots, Outlet, load_outlets, load_slots, visible_listing

MAX_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ConnectorEstimate:
    outlet: Outlet
    power_w: int | None  # None: the car cannot use this connector
    minutes: int | None
    price: int | None  # minor units of the tariff's currency; None: no tariff, or not usable

    @property
    def currency(self) -> str | None:
        return None if self.outlet.tariff is None else self.outlet.tariff.currency


@dataclass(frozen=True, slots=True)
class Charge:
    """A connector the car can use, and what charging there takes."""

    outlet: Outlet
    power_w: int
    minutes: int
    length: timedelta  # of the slot to book


@dataclass(frozen=True, slots=True)
class Suggestion:
    charge: Charge
    start: datetime
    charging_price: int | None  # minor units; None without a tariff
    booking_fee: int | None
    green_share: float | None  # 0 to 1; None: the listing gives no energy mix

    @property
    def end(self) -> datetime:
        return self.start + self.charge.length

    @property
    def total(self) -> int | None:
        return (
            None if self.charging_price is None or self.booking_fee is None else self.charging_price + self.booking_fee
        )


@dataclass(frozen=True, slots=True)
class Suggestions:
    cheapest: Suggestion | None
    greenest: Suggestion | None


class Planner:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._health = HealthRules.from_config(config)
        self.clock = clock

    async def estimate(
        self, principal: Principal, location_id: str, vehicle_id: str, energy_wh: int, start: datetime | None
    ) -> list[ConnectorEstimate]:
        now = self.clock()
        at = start or now
        async with self._db.read() as session:
            location = await visible_listing(
                session, principal, location_id, stale_before=self._health.stale_before(now)
            )
            car = await _car(session, principal, vehicle_id, energy_wh)
            outlets = await load_outlets(session, location)
        estimates = []
        for outlet in outlets:
            power = charging_power_w(car, outlet.connector.standard, outlet.connector.power_type, outlet.max_power_w)
            minutes = None if power is None else charging_minutes(energy_wh, power)
            cost = None
            if power is not None and minutes is not None and outlet.tariff is not None:
                cost = charging_cost(
                    outlet.tariff,
                    location.time_zone,
                    at,
                    energy_wh=energy_wh,
                    power_w=power,
                    minutes=minutes,
                    voltage=outlet.connector.max_voltage,
                )
            estimates.append(ConnectorEstimate(outlet, power, minutes, cost))
        return estimates

    async def suggest(
        self, principal: Principal, location_id: str, vehicle_id: str, energy_wh: int, window: tuple[datetime, datetime]
    ) -> Suggestions:
        now = self.clock()
        earliest, latest = max(window[0], now), window[1]
        if latest <= earliest:
            raise bad_request("invalid", "The window is over; give one that ends in the future.", "to")
        async with self._db.read() as session:
            location = await visible_listing(
                session, principal, location_id, stale_before=self._health.stale_before(now)
            )
            car = await _car(session, principal, vehicle_id, energy_wh)
            slots = await load_slots(session, location, earliest, latest)
        mix = mix_of(location.energy_mix)
        green = None if mix is None else GreenShare(mix, float(location.latitude), float(location.longitude))
        found = [
            suggestion
            for charge in charges(slots, car, energy_wh)
            for suggestion in _free_slots(slots, charge, energy_wh, green, earliest, latest, now)
        ]
        priced = [suggestion for suggestion in found if suggestion.total is not None]
        cheapest = min(priced, key=lambda s: (s.total, s.start), default=None)
        greenest = None if green is None else min(found, key=_greener_first, default=None)
        return Suggestions(cheapest, greenest)


def _greener_first(suggestion: Suggestion) -> tuple[float, bool, int, datetime]:
    # Rounded only to keep float noise from deciding: shares the model makes equal (steady, saturated) are equal.
    total = suggestion.total
    return -round(suggestion.green_share or 0.0, 6), total is None, total or 0, suggestion.start


def charges(slots: ListingSlots, car: CarLimits, energy_wh: int) -> list[Charge]:
    """The connectors the car can use and the slot each charge needs; 409 when there are none."""
    usable = []
    for outlet in slots.outlets:
        power = charging_power_w(car, outlet.connector.standard, outlet.connector.power_type, outlet.max_power_w)
        if power is not None:
            minutes = charging_minutes(energy_wh, power)
            usable.append((outlet, power, minutes, slots.length(minutes)))
    if not usable:
        raise conflict("incompatible", "No bookable connector here takes this vehicle.", "vehicle")
    fitting = [Charge(outlet, power, minutes, length) for outlet, power, minutes, length in usable if length]
    if not fitting:
        raise conflict(
            "too_long",
            f"The charge takes longer than a booking here may last ({slots.terms.max_duration_minutes} minutes).",
            "energy_kwh",
        )
    return fitting


def _free_slots(  # noqa: PLR0917 (one charge's slots: all of these decide them)
    slots: ListingSlots,
    charge: Charge,
    energy_wh: int,
    green: GreenShare | None,
    earliest: datetime,
    latest: datetime,
    now: datetime,
) -> list[Suggestion]:
    outlet, found = charge.outlet, []
    time_zone = slots.location.time_zone
    for start in slots.starts(earliest, latest - charge.length):
        end = start + charge.length
        if not slots.allowed(start, end, now) or not slots.free(outlet.evse_row_id, start, end):
            continue
        cost = fee = None
        if outlet.tariff is not None:
            cost = charging_cost(
                outlet.tariff,
                time_zone,
                start,
                energy_wh=energy_wh,
                power_w=charge.power_w,
                minutes=charge.minutes,
                voltage=outlet.connector.max_voltage,
            )
            fee = fees.reservation_fee(outlet.tariff, time_zone, start, end, expired=False)
        share = None if green is None else green.over(start, start + timedelta(minutes=charge.minutes))
        found.append(Suggestion(charge, start, cost, fee, share))
    return found


async def _car(session: AsyncSession, principal: Principal, vehicle_id: str, energy_wh: int) -> CarLimits:
    vehicle = await owned_vehicle(session, principal, vehicle_id)
    check_fits_battery(vehicle, energy_wh)
    return car_limits(vehicle)
