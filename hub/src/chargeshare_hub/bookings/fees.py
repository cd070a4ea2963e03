"""What a booking costs apart from charging, from its connector's OCPI tariff, written as `booking_charges`.

- Booking fee: the tariff's elements restricted to `reservation: RESERVATION`, priced over the booked slot
  (a FLAT fee, and TIME per hour of the slot). Owed once the booking is RESERVED; a changed slot adds the
  difference; a cancellation in time or by the host, a refund (a negative row).
- No-show fee: the elements restricted to `RESERVATION_EXPIRES`, priced over the slot of an expired
  reservation. Owed on NO_SHOW, and by a driver cancelling later than `cancel_until_minutes` before the start
  (as LATE_CANCELLATION_FEE), when the terms say `noshow_fee`.

Amounts include VAT when the tariff gives it for every component used, else exclude it (as the calculator).
The connector's tariff is the first of its `tariff_ids` that the listing's host has and has not removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, SQLColumnExpression, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..listings.tables import Connector, Location
from ..tariff_catalog.tables import HostTariff
from ..tariffs import Reservation, ReservationRestriction, Tariff, Usage, price, to_minor_units
from .tables import Booking, BookingCharge


class FeeKind(StrEnum):
    BOOKING_FEE = "BOOKING_FEE"
    NO_SHOW_FEE = "NO_SHOW_FEE"
    LATE_CANCELLATION_FEE = "LATE_CANCELLATION_FEE"


def reservation_fee(tariff: Tariff, time_zone: str, start: datetime, end: datetime, *, expired: bool) -> int:
    """Minor units of the tariff's currency for reserving [start, end), or for letting it expire unused."""
    wanted = ReservationRestriction.RESERVATION_EXPIRES if expired else ReservationRestriction.RESERVATION
    elements = tuple(e for e in tariff.elements if e.restrictions is not None and e.restrictions.reservation is wanted)
    if not elements:
        return 0
    # The session's min and max prices bound what charging costs, not this fee.
    only_reserving = replace(tariff, elements=elements, min_price=None, max_price=None)
    cost = price(only_reserving, Usage(time_zone, start=end, reservation=Reservation(end - start, expired=expired)))
    return to_minor_units(cost.excl_vat if cost.incl_vat is None else cost.incl_vat, tariff.currency)


def connector_tariff_ids(
    evse_row_id: int | SQLColumnExpression[int], connector_id: str | SQLColumnExpression[str] | None
) -> Select[tuple[list[str]]]:
    """The `tariff_ids` of the booked connector: the one named, else the EVSE's first."""
    query = select(Connector.tariff_ids).where(Connector.evse_row_id == evse_row_id)
    if connector_id is not None:
        query = query.where(Connector.connector_id == connector_id)
    return query.order_by(Connector.position).limit(1)


async def host_tariffs(session: AsyncSession, tariff_ids: Iterable[str], host_id: int) -> dict[str, Tariff]:
    """Those of the tariffs that the host has and has not removed, parsed, by id."""
    wanted = set(tariff_ids)
    if not wanted:
        return {}
    rows = await (await session.connection()).execute(_HOST_TARIFFS, {"ids": list(wanted), "host_id": host_id})
    return {tariff_id: Tariff.from_ocpi(document) for tariff_id, document in rows.tuples()}


_HOST_TARIFFS = select(HostTariff.id, HostTariff.document).where(
    HostTariff.id.in_(bindparam("ids", expanding=True)),
    HostTariff.host_id == bindparam("host_id"),
    HostTariff.removed_at.is_(None),
)


def first_tariff(tariff_ids: Iterable[str], usable: Mapping[str, Tariff]) -> Tariff | None:
    return next((usable[tariff_id] for tariff_id in tariff_ids if tariff_id in usable), None)


async def booking_tariff(session: AsyncSession, booking: Booking, location: Location) -> Tariff | None:
    tariff_ids = await session.scalar(connector_tariff_ids(booking.evse_row_id, booking.connector_id)) or []
    return first_tariff(tariff_ids, await host_tariffs(session, tariff_ids, location.host_id))


async def owed_booking_fee(session: AsyncSession, booking: Booking, location: Location) -> tuple[int, str] | None:
    """The booking fee of the booking's current slot and its currency; None without a tariff."""
    tariff = await booking_tariff(session, booking, location)
    if tariff is None:
        return None
    return reservation_fee(
        tariff, location.time_zone, booking.starts_at, booking.ends_at, expired=False
    ), tariff.currency


async def settle_booking_fee(session: AsyncSession, booking: Booking, location: Location, at: datetime) -> None:
    """Brings the booking fees owed to the fee of the booking's current slot."""
    owed = await owed_booking_fee(session, booking, location)
    if owed is None:
        return
    amount, currency = owed
    charged = (await _net(session, booking.id)).get(currency, 0)
    _add(session, booking, FeeKind.BOOKING_FEE, amount=amount - charged, currency=currency, at=at)


async def refund_booking_fee(session: AsyncSession, booking: Booking, at: datetime) -> None:
    for currency, charged in (await _net(session, booking.id)).items():
        _add(session, booking, FeeKind.BOOKING_FEE, amount=-charged, currency=currency, at=at)


async def charge_expiry_fee(
    session: AsyncSession, booking: Booking, location: Location, kind: FeeKind, at: datetime
) -> None:
    """The no-show fee, as `kind` (NO_SHOW_FEE or LATE_CANCELLATION_FEE); the caller checks the terms."""
    tariff = await booking_tariff(session, booking, location)
    if tariff is None:
        return
    amount = reservation_fee(tariff, location.time_zone, booking.starts_at, booking.ends_at, expired=True)
    _add(session, booking, kind, amount=amount, currency=tariff.currency, at=at)


async def _net(session: AsyncSession, booking_id: str) -> dict[str, int]:
    """The booking fees charged so far, net of refunds, by currency."""
    rows = await session.execute(
        select(BookingCharge.currency, func.sum(BookingCharge.amount_minor))
        .where(BookingCharge.booking_id == booking_id, BookingCharge.kind == FeeKind.BOOKING_FEE)
        .group_by(BookingCharge.currency)
    )
    return {currency: int(total) for currency, total in rows.tuples() if total}


def _add(session: AsyncSession, booking: Booking, kind: FeeKind, *, amount: int, currency: str, at: datetime) -> None:
    if amount:
        session.add(
            BookingCharge(booking_id=booking.id, kind=kind, amount_minor=amount, currency=currency, created_at=at)
        )
