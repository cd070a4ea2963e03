"""Charging: sessions reported by the host's Home Assistant, their CDRs, and refunds.

What the link reports is applied idempotently, because the link resends until acknowledged: a session is
keyed by its id (a repeated start changes nothing), a meter reading by the session and the link's message id,
and an end issues the session's one CDR, whose id is the session's, so a repeated end returns that same CDR.

A session, a CDR and a credit are seen by the driver (when the session is theirs), the host of the charger and
admins; to anyone else they look like nothing at all (404).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..bookings.lookup import booking_for_id_tag, mark_fulfilled
from ..db.base import utcnow
from ..db.engine import Database
from ..listings.tables import Connector, Evse, Location
from ..tariff_catalog.tables import HostTariff
from ..web.errors import bad_request, conflict, forbidden, not_found
from .credits import credit_amounts, credit_document
from .metering import stretches
from .ocpi_json import cdr_document, cdr_location, cost_minor
from .pricing import FREE_CURRENCY, pricing_tariff, session_cost, valid_at
from .tables import Cdr, ChargingSession, MeterValue

AUTH_METHODS = ("AUTH_REQUEST", "COMMAND", "WHITELIST")
CdrHook = Callable[[AsyncSession, Cdr], Awaitable[None]]
_Result = TypeVar("_Result")


class Charging:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow, on_cdr: CdrHook | None = None) -> None:
        self._db = db
        self._clock = clock
        self._on_cdr = on_cdr  # payments: the hold captured (a credit: money given back) in the CDR's transaction

    async def session_started(
        self,
        host_id: int,
        session_id: str,
        *,
        location_id: str,
        evse_uid: str,
        connector_id: str,
        id_tag: str,
        auth_method: str,
        start: datetime,
        meter_start_wh: int,
    ) -> ChargingSession:
        """The session, begun at the host's charger; an id tag of a booking there fulfils the booking."""

        async def start_session(session: AsyncSession) -> ChargingSession:
            return await self.start_in(
                session,
                host_id,
                session_id,
                location_id=location_id,
                evse_uid=evse_uid,
                connector_id=connector_id,
                id_tag=id_tag,
                auth_method=auth_method,
                start=start,
                meter_start_wh=meter_start_wh,
            )

        return await self._write_once(start_session)

    async def start_in(
        self,
        session: AsyncSession,
        host_id: int,
        session_id: str,
        *,
        location_id: str,
        evse_uid: str,
        connector_id: str,
        id_tag: str,
        auth_method: str,
        start: datetime,
        meter_start_wh: int,
    ) -> ChargingSession:
        """`session_started` in the caller's transaction (the link's, which records the message with it)."""
        _check_id(session_id, 36, "session_id")
        _check_id(id_tag, 20, "id_tag")
        if auth_method not in AUTH_METHODS:
            raise bad_request("invalid", f"auth_method is one of {', '.join(AUTH_METHODS)}.", "auth_method")
        _check_meter(meter_start_wh, "meter_start_wh")
        existing = await session.get(ChargingSession, session_id)
        if existing is not None:
            if existing.host_id != host_id:
                raise conflict("session_id_taken", "Another charger reported a session with this id.", "id")
            return existing
        location, evse, connector = await _charger(session, host_id, location_id, evse_uid, connector_id)
        named = await session.scalars(select(HostTariff).where(HostTariff.id.in_(connector.tariff_ids)))
        documents = {row.id: row.document for row in named}
        copies = valid_at([documents[i] for i in connector.tariff_ids if i in documents], start)
        tariff = pricing_tariff(copies)
        booking = await booking_for_id_tag(session, id_tag, start)
        if booking is not None and booking.location_id != location_id:
            booking = None
        row = ChargingSession(
            id=session_id,
            location_id=location_id,
            evse_uid=evse_uid,
            connector_id=connector_id,
            host_id=host_id,
            driver_id=None if booking is None else booking.driver_id,
            booking_id=None if booking is None else booking.id,
            id_tag=id_tag,
            auth_method=auth_method,
            start_date_time=start,
            meter_start_wh=meter_start_wh,
            energy_wh=0,
            status="ACTIVE",
            currency=FREE_CURRENCY if tariff is None else tariff.currency,
            tariffs=copies,
            cdr_location=cdr_location(location, evse, connector),
            last_updated=self._clock(),
        )
        session.add(row)
        await session.flush()
        if booking is not None:
            await mark_fulfilled(session, booking, start)
        return row

    async def session_progress(
        self, host_id: int, session_id: str, *, message_id: str, at: datetime, meter_wh: int
    ) -> ChargingSession:
        """A meter reading; one already applied (same message id) or one after the end changes nothing."""

        async def record(session: AsyncSession) -> ChargingSession:
            return await self.progress_in(session, host_id, session_id, message_id=message_id, at=at, meter_wh=meter_wh)

        return await self._write_once(record)

    async def progress_in(
        self, session: AsyncSession, host_id: int, session_id: str, *, message_id: str, at: datetime, meter_wh: int
    ) -> ChargingSession:
        """`session_progress` in the caller's transaction."""
        _check_id(message_id, 64, "message_id")
        _check_meter(meter_wh, "meter_wh")
        row = await _reported_session(session, host_id, session_id)
        seen = await session.scalar(
            select(MeterValue.id).where(MeterValue.session_id == session_id, MeterValue.message_id == message_id)
        )
        if row.status != "ACTIVE" or seen is not None:
            return row
        session.add(MeterValue(session_id=session_id, message_id=message_id, at=at, meter_wh=meter_wh))
        row.energy_wh = max(row.energy_wh, meter_wh - row.meter_start_wh)
        row.last_updated = self._clock()
        await session.flush()
        return row

    async def session_ended(self, host_id: int, session_id: str, *, end: datetime, meter_stop_wh: int) -> Cdr:
        """Completes the session and issues its CDR, priced with the tariff copied at the start."""

        async def finish(session: AsyncSession) -> Cdr:
            return await self.end_in(session, host_id, session_id, end=end, meter_stop_wh=meter_stop_wh)

        return await self._write_once(finish)

    async def end_in(
        self, session: AsyncSession, host_id: int, session_id: str, *, end: datetime, meter_stop_wh: int
    ) -> Cdr:
        """`session_ended` in the caller's transaction."""
        _check_meter(meter_stop_wh, "meter_stop_wh")
        row = await _reported_session(session, host_id, session_id)
        if row.status == "COMPLETED":
            issued = await session.get(Cdr, row.id)
            assert issued is not None  # the CDR is written in the transaction that completes the session
            return issued
        if row.status != "ACTIVE":
            raise conflict("not_active", f"The session is {row.status}; only an active one ends.")
        if end < row.start_date_time:
            raise bad_request("invalid", "A session ends after it starts.", "end")
        if meter_stop_wh < row.meter_start_wh:
            raise bad_request("invalid", "The meter reads less than at the start.", "meter_stop_wh")
        readings = await session.execute(
            select(MeterValue.at, MeterValue.meter_wh).where(MeterValue.session_id == row.id)
        )
        pieces = stretches(
            row.start_date_time, row.meter_start_wh, [(at, wh) for at, wh in readings], end, meter_stop_wh
        )
        now = self._clock()
        row.end_date_time, row.meter_stop_wh, row.status, row.last_updated = end, meter_stop_wh, "COMPLETED", now
        row.energy_wh = round(sum(piece.period.energy_kwh for piece in pieces) * 1000)
        tariff = pricing_tariff(row.tariffs)
        location = await session.get(Location, row.location_id)
        assert location is not None
        cost = None if tariff is None else session_cost(tariff, location.time_zone, row.start_date_time, pieces)
        excl, incl = cost_minor(cost, row.currency)
        cdr = Cdr(
            id=row.id,
            session_id=row.id,
            host_id=row.host_id,
            driver_id=row.driver_id,
            currency=row.currency,
            total_cost_excl_minor=excl,
            total_cost_incl_minor=incl,
            credit=False,
            document=cdr_document(row, pieces, tariff, cost, now),
            created_at=now,
        )
        session.add(cdr)
        await session.flush()
        if self._on_cdr is not None:
            await self._on_cdr(session, cdr)
        return cdr

    async def credit(
        self, by: Principal, cdr_id: str, amount_minor: int | None, reason: str, request_key: str | None = None
    ) -> Cdr:
        """A credit CDR for `amount_minor` (None: all that is not yet credited), by the host or an admin.
        Repeating a request key returns the credit it made, and makes no other."""
        return await self._write_once(
            lambda session: self.credit_in(session, by, cdr_id, amount_minor, reason=reason, request_key=request_key)
        )

    async def credit_in(
        self,
        session: AsyncSession,
        by: Principal,
        cdr_id: str,
        amount_minor: int | None,
        *,
        reason: str,
        request_key: str | None = None,
    ) -> Cdr:
        """`credit` in the caller's transaction (a dispute resolved with a refund). The CDR hook gets the credit
        as it gets a CDR: payments gives the money back in the same transaction."""
        # Locked, so that two refunds of one CDR on PostgreSQL are counted one after the other.
        original = await session.scalar(select(Cdr).where(Cdr.id == cdr_id).with_for_update())
        if original is None or not _may_see(by, original):
            raise not_found("CDR")
        if not (by.is_admin or by.user_id == original.host_id):
            raise forbidden("Only the host of the charger or an admin gives refunds.")
        if original.credit:
            raise conflict("credit_of_credit", "This is a credit CDR; credit the original.")
        earlier = list(await session.scalars(select(Cdr).where(Cdr.credit_reference_id == cdr_id).order_by(Cdr.id)))
        repeated = next((c for c in earlier if request_key is not None and c.request_key == request_key), None)
        if repeated is not None:
            return _same_request(repeated, amount_minor, reason)
        amounts = credit_amounts(original, earlier, amount_minor)
        now = self._clock()
        credit_id = f"{original.id}-C{len(earlier) + 1}"
        credit = Cdr(
            id=credit_id,
            session_id=original.session_id,
            host_id=original.host_id,
            driver_id=original.driver_id,
            currency=original.currency,
            total_cost_excl_minor=-amounts.excl_vat,
            total_cost_incl_minor=None if amounts.incl_vat is None else -amounts.incl_vat,
            credit=True,
            credit_reference_id=original.id,
            request_key=request_key,
            issued_by=by.user_id,
            document=credit_document(original, credit_id, amounts, reason, now),
            created_at=now,
        )
        session.add(credit)
        await session.flush()
        if self._on_cdr is not None:
            await self._on_cdr(session, credit)
        return credit

    async def sessions(self, principal: Principal, offset: int, limit: int) -> tuple[list[ChargingSession], int]:
        """A page of the sessions the principal may see, oldest first, and how many there are in all."""
        statement = select(ChargingSession).where(_visible(principal, ChargingSession))
        return await self._page(statement.order_by(ChargingSession.start_date_time, ChargingSession.id), offset, limit)

    async def session(self, principal: Principal, session_id: str) -> ChargingSession:
        async with self._db.read() as session:
            row = await session.get(ChargingSession, session_id)
            if row is None or not _may_see(principal, row):
                raise not_found("session")
            return row

    async def cdr_of(self, session_id: str) -> Cdr | None:
        async with self._db.read() as session:
            return await session.get(Cdr, session_id)

    async def cdrs_of(self, session_ids: list[str]) -> dict[str, Cdr]:
        async with self._db.read() as session:
            return {cdr.id: cdr for cdr in await session.scalars(select(Cdr).where(Cdr.id.in_(session_ids)))}

    async def cdrs(self, principal: Principal, offset: int, limit: int) -> tuple[list[Cdr], int]:
        statement = select(Cdr).where(_visible(principal, Cdr)).order_by(Cdr.created_at, Cdr.id)
        return await self._page(statement, offset, limit)

    async def cdr(self, principal: Principal, cdr_id: str) -> Cdr:
        async with self._db.read() as session:
            row = await session.get(Cdr, cdr_id)
            if row is None or not _may_see(principal, row):
                raise not_found("CDR")
            return row

    async def _page(self, statement: Select[Any], offset: int, limit: int) -> tuple[list[Any], int]:
        async with self._db.read() as session:
            total = await session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
            rows = list(await session.scalars(statement.offset(offset).limit(limit)))
            return rows, total or 0

    async def _write_once(self, apply: Callable[[AsyncSession], Awaitable[_Result]]) -> _Result:
        """Runs `apply` in a write transaction. When a concurrent delivery of the same message won the race to a
        unique key (PostgreSQL), the retry finds its result and returns that."""
        try:
            async with self._db.write() as session:
                return await apply(session)
        except IntegrityError:
            async with self._db.write() as session:
                return await apply(session)


async def _charger(
    session: AsyncSession, host_id: int, location_id: str, evse_uid: str, connector_id: str
) -> tuple[Location, Evse, Connector]:
    location = await session.get(Location, location_id)
    if location is None or location.host_id != host_id:
        raise not_found("listing")
    evse = await session.scalar(select(Evse).where(Evse.location_id == location_id, Evse.uid == evse_uid))
    if evse is None:
        raise not_found("EVSE")
    connector = await session.scalar(
        select(Connector).where(Connector.evse_row_id == evse.id, Connector.connector_id == connector_id)
    )
    if connector is None:
        raise not_found("connector")
    return location, evse, connector


async def _reported_session(session: AsyncSession, host_id: int, session_id: str) -> ChargingSession:
    row = await session.get(ChargingSession, session_id)
    if row is None or row.host_id != host_id:
        raise not_found("session")
    return row


def _may_see(principal: Principal, row: ChargingSession | Cdr) -> bool:
    return principal.is_admin or principal.user_id in (row.host_id, row.driver_id)


def _visible(principal: Principal, table: type[ChargingSession] | type[Cdr]) -> ColumnElement[bool]:
    if principal.is_admin:
        return true()
    return or_(table.host_id == principal.user_id, table.driver_id == principal.user_id)


def _same_request(earlier: Cdr, amount_minor: int | None, reason: str) -> Cdr:
    """The credit a repeated request made; a different request under the same key is a mistake (409)."""
    given = -(earlier.total_cost_excl_minor if earlier.total_cost_incl_minor is None else earlier.total_cost_incl_minor)
    if earlier.document.get("remark") != reason or (amount_minor is not None and amount_minor != given):
        raise conflict("idempotency_key_reused", "This request key was used for another refund.")
    return earlier


def _check_id(value: str, max_length: int, field: str) -> None:
    if not 1 <= len(value) <= max_length:
        raise bad_request("invalid", f"{field} has 1 to {max_length} characters.", field)


def _check_meter(value: int, field: str) -> None:
    if value < 0:
        raise bad_request("invalid", "A meter reading is not negative.", field)
