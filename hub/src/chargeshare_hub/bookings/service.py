"""Bookings: drivers book a charger's time, hosts answer requests, the clock turns late ones into no-shows.

Who may do what: a driver books listings they can see (not their own) and changes or cancels their own
bookings; a listing's host sets its terms, answers its requests and may cancel its bookings; admins read.
A booking anyone else asks for looks exactly like no booking at all (404).

Every transition, its booking request and the fees it owes are written in one transaction; the database
refuses an overlap whatever the pre-checks here found (see `guard`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..link import booking_messages
from ..listings.health import HealthRules
from ..listings.service import Listings
from ..listings.tables import Location
from ..waitlist.offers import offer_freed_slot
from ..web.errors import ApiError, bad_request, conflict, forbidden, not_found
from . import fees, notices
from .creation import new_booking, plan_booking
from .group_commit import GroupCommit
from .guard import flush_guarded, slot_free, slot_taken
from .lifecycle import RequestStatus, Status, transition
from .ocpi_json import BookingView
from .periods import check_period, parse_period
from .reads import load_hours, load_terms, load_views
from .sweep import Swept, sweep
from .tables import Booking, BookingRequest, BookingTermsRow
from .terms import HOST_APPROVAL, Terms, terms_from_body

DRIVER_REASONS = frozenset({"TRAFFIC", "BROKEN_VEHICLE", "NO_CANCELED", "UNKNOWN"})  # OCPI: the MSP side's
HOST_REASONS = frozenset({"POWER_OUTAGE", "BROKEN_CHARGER", "FULL", "BLOCKED", "UNKNOWN"})  # the CPO side's


class Role(Enum):
    DRIVER = "driver"
    HOST = "host"
    ADMIN = "admin"


class Bookings:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._config = config
        self._health = HealthRules.from_config(config)
        self.clock = clock
        self._group_commit = GroupCommit(db)

    # Terms

    async def terms(self, principal: Principal | None, location_id: str) -> Terms:
        async with self._db.read() as session:
            stale_before = self._health.stale_before(self.clock())
            await Listings.visible(session, principal, location_id, stale_before=stale_before)
            return await load_terms(session, location_id)

    async def set_terms(self, principal: Principal, location_id: str, body: dict[str, Any]) -> Terms:
        terms = terms_from_body(body)
        async with self._db.write() as session:
            location = await session.get(Location, location_id)
            if location is None or location.host_id != principal.user_id or location.removed_at is not None:
                raise not_found("listing")
            row = await session.get(BookingTermsRow, location_id) or BookingTermsRow(location_id=location_id)
            terms.write_to(row)
            row.last_updated = self.clock()
            session.add(row)
        return terms

    # Booking

    async def create(self, principal: Principal, body: dict[str, Any]) -> BookingView:
        start, end = parse_period(body["period"])
        now = self.clock()
        async with self._db.read() as session:
            plan = await plan_booking(
                session, principal, body, start=start, end=end, now=now, stale_before=self._health.stale_before(now)
            )
        for evse in plan.evses:
            new = new_booking(plan, evse, principal, body, start=start, end=end, now=now)
            try:
                await self._group_commit.write(new)
            except ApiError as err:
                # Another booking took this EVSE since the plan was read: the driver gets the next free one.
                if err.code == "slot_taken" and evse is not plan.evses[-1]:
                    continue
                raise
            return BookingView(new.booking, plan.location, evse.uid, plan.terms, [new.request], new.charges)
        raise AssertionError("a plan has at least one EVSE")

    async def get(self, principal: Principal, booking_id: str) -> BookingView:
        async with self._db.read() as session:
            booking, _location, _role = await _access(session, principal, booking_id)
            return await self._view(session, booking)

    async def list(self, principal: Principal, *, as_host: bool, status: str | None) -> list[BookingView]:
        """The driver's own bookings, or those at the host's listings; newest slot first."""
        query = select(Booking).order_by(Booking.starts_at.desc(), Booking.id).limit(500)
        if as_host:
            query = query.join(Location, Location.id == Booking.location_id).where(
                Location.host_id == principal.user_id
            )
        else:
            query = query.where(Booking.driver_id == principal.user_id)
        if status is not None:
            query = query.where(Booking.reservation_status == status)
        async with self._db.read() as session:
            return await load_views(session, list(await session.scalars(query)))

    # Changes

    async def change(self, principal: Principal, booking_id: str, body: dict[str, Any]) -> BookingView:
        start, end = parse_period(body["period"])
        now = self.clock()
        async with self._db.write() as session:
            booking, location, role = await _access(session, principal, booking_id, lock=True)
            if role is not Role.DRIVER:
                raise forbidden("Only the driver changes a booking.")
            # A driver no longer invited keeps (and may cancel) the booking, but takes no other slot there.
            await Listings.visible(session, principal, location.id, stale_before=self._health.stale_before(now))
            if booking.reservation_status != Status.RESERVED:
                raise conflict("not_changeable", f"A {booking.reservation_status} booking cannot be changed.")
            terms = await load_terms(session, location.id)
            if terms.change_not_allowed:
                raise conflict("change_not_allowed", "This listing's bookings cannot be changed.")
            if now > booking.starts_at - timedelta(minutes=terms.change_until_minutes):
                raise conflict("too_late_to_change", f"Change at least {terms.change_until_minutes} minutes ahead.")
            if await _pending_request(session, booking.id) is not None:
                raise conflict("change_pending", "The host has not answered the last change yet.")
            check_period(terms, await load_hours(session, location), start, end, now)
            if not await slot_free(session, booking.evse_row_id, start, end, except_id=booking.id):
                raise slot_taken()
            request = BookingRequest(
                booking_id=booking.id,
                request_status=RequestStatus.PENDING,
                starts_at=start,
                ends_at=end,
                request_received=now,
                respond_by=terms.respond_by(now, min(start, booking.starts_at)),
            )
            session.add(request)
            if terms.approval != HOST_APPROVAL:
                await _move(session, booking, request, location, now)
            await notices.changed(session, booking, location, request, waiting=terms.approval == HOST_APPROVAL)
            await booking_messages.changed(session, booking, now, waiting=terms.approval == HOST_APPROVAL)
            await session.flush()
            return await self._view(session, booking)

    async def approve(self, principal: Principal, booking_id: str) -> BookingView:
        return await self._answer(principal, booking_id, accept=True)

    async def decline(self, principal: Principal, booking_id: str) -> BookingView:
        return await self._answer(principal, booking_id, accept=False)

    async def _answer(self, principal: Principal, booking_id: str, *, accept: bool) -> BookingView:
        async with self._db.write() as session:
            return await self.answer_in(session, principal, booking_id, accept=accept)

    async def answer_in(
        self, session: AsyncSession, principal: Principal, booking_id: str, *, accept: bool
    ) -> BookingView:
        """The host's answer to a booking's pending request, in the caller's transaction (the link's, which
        records the message with it)."""
        now = self.clock()
        booking, location, role = await _access(session, principal, booking_id, lock=True)
        if role is not Role.HOST:
            raise forbidden("Only the listing's host answers booking requests.")
        request = await _pending_request(session, booking.id)
        if request is None:
            raise conflict("nothing_pending", "This booking has no request waiting for an answer.")
        if request.respond_by is not None and request.respond_by <= now:
            raise conflict("request_expired", "The time to answer this request has run out.")
        is_change = booking.reservation_status != Status.PENDING
        if not accept:
            _answer_request(request, RequestStatus.DECLINED, now)
            if booking.reservation_status == Status.PENDING:
                transition(booking, Status.REJECTED, now)
        elif booking.reservation_status == Status.PENDING:
            _answer_request(request, RequestStatus.ACCEPTED, now)
            transition(booking, Status.RESERVED, now)
            await fees.settle_booking_fee(session, booking, location, now)
        else:
            await _move(session, booking, request, location, now)
        await flush_guarded(session)
        await notices.answered(session, booking, location, accepted=accept, change=is_change)
        await booking_messages.answered(session, booking, now, accepted=accept, change=is_change)
        if booking.reservation_status == Status.REJECTED:
            await offer_freed_slot(session, booking, now)
        return await self._view(session, booking)

    async def cancel(self, principal: Principal, booking_id: str, reason: str) -> BookingView:
        now = self.clock()
        async with self._db.write() as session:
            booking, location, role = await _access(session, principal, booking_id, lock=True)
            if role is Role.ADMIN:
                raise forbidden("Only the driver or the host cancels a booking.")
            allowed = DRIVER_REASONS if role is Role.DRIVER else HOST_REASONS
            if reason not in allowed:
                raise bad_request("invalid", f"A reason is one of {', '.join(sorted(allowed))}.", "cancellation_reason")
            if booking.reservation_status not in (Status.PENDING, Status.RESERVED):
                raise conflict("not_cancelable", f"A {booking.reservation_status} booking cannot be canceled.")
            was_reserved = booking.reservation_status == Status.RESERVED
            if (request := await _pending_request(session, booking.id)) is not None:
                _answer_request(request, RequestStatus.FAILED, now)
            transition(booking, Status.CANCELED, now)
            booking.cancellation_reason = reason
            booking.who_canceled = "EMSP" if role is Role.DRIVER else "CPO"
            terms = await load_terms(session, location.id)
            late = now > booking.starts_at - timedelta(minutes=terms.cancel_until_minutes)
            if role is Role.DRIVER and was_reserved and late:
                # Late: the booking fee stays, and the no-show fee is owed when the terms carry one.
                if terms.noshow_fee:
                    await fees.charge_expiry_fee(session, booking, location, fees.FeeKind.LATE_CANCELLATION_FEE, now)
            else:
                await fees.refund_booking_fee(session, booking, now)
            await notices.canceled(session, booking, location, by_driver=role is Role.DRIVER)
            await booking_messages.canceled(session, booking, now)
            await session.flush()
            await offer_freed_slot(session, booking, now)
            return await self._view(session, booking)

    async def sweep(self) -> Swept:
        """Requests past their deadline fail; reserved slots nobody used by start + noshow_timeout are NO_SHOW."""
        async with self._db.write() as session:
            return await sweep(session, self.clock())

    async def _view(self, session: AsyncSession, booking: Booking) -> BookingView:
        return (await load_views(session, [booking]))[0]


async def _access(
    session: AsyncSession, principal: Principal, booking_id: str, *, lock: bool = False
) -> tuple[Booking, Location, Role]:
    query: Select[tuple[Booking]] = select(Booking).where(Booking.id == booking_id)
    booking = await session.scalar(query.with_for_update() if lock else query)
    location = None if booking is None else await session.get(Location, booking.location_id)
    if booking is None or location is None:
        raise not_found("booking")
    if booking.driver_id == principal.user_id:
        return booking, location, Role.DRIVER
    if location.host_id == principal.user_id:
        return booking, location, Role.HOST
    if principal.is_admin:
        return booking, location, Role.ADMIN
    raise not_found("booking")


async def _pending_request(session: AsyncSession, booking_id: str) -> BookingRequest | None:
    return await session.scalar(
        select(BookingRequest).where(
            BookingRequest.booking_id == booking_id, BookingRequest.request_status == RequestStatus.PENDING
        )
    )


def _answer_request(request: BookingRequest, status: RequestStatus, at: datetime) -> None:
    request.request_status = status
    request.respond_by = None
    request.answered_at = at


async def _move(
    session: AsyncSession, booking: Booking, request: BookingRequest, location: Location, now: datetime
) -> None:
    """An accepted change: the slot moves in this transaction, or not at all if it overlaps another booking."""
    _answer_request(request, RequestStatus.ACCEPTED, now)
    booking.starts_at, booking.ends_at = request.starts_at, request.ends_at
    booking.last_updated = now
    await flush_guarded(session)
    await fees.settle_booking_fee(session, booking, location, now)
