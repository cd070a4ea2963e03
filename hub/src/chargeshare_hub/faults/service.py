"""Fault reports: who may report, what a report does at once, and the host's fix.

Who may report a fault of an EVSE: a driver who booked the listing (a booking in any state but REJECTED: one the
host never accepted proves no visit) or charged there within `RECENT_SESSION`, and the listing's host. The
reporter is always the signed-in account. A report, in one transaction: the EVSE turns OUTOFORDER (so it cannot
be booked any more, and search shows it), the host is notified at once, the drivers whose bookings of the EVSE
are still to come are told (their bookings stand: the host may fix the charger in time, or cancel them with
BROKEN_CHARGER, which refunds the booking fee), and repeated reports put the listing under the search penalty.

A report is seen by its reporter, the listing's host and admins; to anyone else it looks like nothing (404).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
import secrets

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..bookings.lifecycle import Status
from ..bookings.tables import HOLDING, Booking
from ..charging.tables import ChargingSession
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..listings import photo_files
from ..listings.health import HealthRules
from ..listings.rows import set_status
from ..listings.service import Listings, PhotoFile
from ..listings.tables import Evse, Location
from ..notifications.inbox import notify
from ..search.read_model import refresh_location, set_fault_penalty
from ..web.errors import ApiError, conflict, forbidden, not_found
from .holds import OUT_OF_ORDER, has_open_fault
from .penalty import SEARCH_PENALTY
from .tables import FaultReport
from .upload import ReportForm
from .views import FaultView

RECENT_SESSION = timedelta(days=30)
# Reports with their EVSE's uid, newest first.
_VIEWS: Select[tuple[FaultReport, str]] = (
    select(FaultReport, Evse.uid)
    .join(Evse, Evse.id == FaultReport.evse_row_id)
    .order_by(FaultReport.created_at.desc(), FaultReport.id)
)


class Faults:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._config = config
        self._health = HealthRules.from_config(config)
        self.clock = clock

    async def report(self, principal: Principal, location_id: str, evse_uid: str, form: ReportForm) -> FaultView:
        photo = None if form.photo is None else photo_files.checked_content_type(*form.photo)
        now = self.clock()
        async with self._db.write() as session:
            location = await self._reportable(session, principal, location_id, now)
            evse = await session.scalar(select(Evse).where(Evse.location_id == location_id, Evse.uid == evse_uid))
            if evse is None:
                raise not_found("EVSE")
            if evse.status == "REMOVED":
                raise conflict("evse_removed", "This EVSE was removed from the listing.")
            if await _open_report_of(session, evse.id, principal.user_id):
                raise _already_reported()
            report = FaultReport(
                id=secrets.token_hex(16),
                location_id=location_id,
                evse_row_id=evse.id,
                reporter_id=principal.user_id,
                by_host=principal.user_id == location.host_id,
                category=form.category,
                description=form.description,
                photo_type=photo,
                created_at=now,
            )
            if form.photo is not None:
                report.photo_file = photo_files.store(self._config.data_dir, form.photo[0], form.photo[1])
            try:
                await self._record(session, report, location, evse, now)
            except BaseException:
                if report.photo_file is not None:
                    photo_files.discard(self._config.data_dir, report.photo_file)
                raise
            return FaultView(report, evse.uid)

    async def fix(self, principal: Principal, location_id: str, fault_id: str) -> FaultView:
        """The host confirms the fault fixed: the report closes, and the EVSE is AVAILABLE again once no other
        report of it is open."""
        now = self.clock()
        async with self._db.write() as session:
            report, location, evse = await self._readable(session, principal, location_id, fault_id, lock=True)
            if principal.user_id != location.host_id:
                raise forbidden("Only the listing's host confirms a fix.")
            if report.fixed_at is not None:
                raise conflict("already_fixed", "This fault was confirmed fixed already.")
            report.fixed_at = now
            await session.flush()
            if evse.status == OUT_OF_ORDER and not await has_open_fault(session, evse.id):
                set_status(evse, "AVAILABLE", now, live=False)
            await session.flush()
            await refresh_location(session, location_id)
            if report.reporter_id is not None and not report.by_host:
                await notify(
                    session,
                    report.reporter_id,
                    kind="fault.fixed",
                    subject=f"Fixed: the fault you reported at {_place(location)}",
                    body=f"The host confirmed the fault of charger {evse.uid} fixed. Thank you for reporting it.",
                    link=_link(report),
                )
            return FaultView(report, evse.uid)

    async def get(self, principal: Principal, location_id: str, fault_id: str) -> FaultView:
        async with self._db.read() as session:
            report, _location, evse = await self._readable(session, principal, location_id, fault_id)
            return FaultView(report, evse.uid)

    async def photo(self, principal: Principal, location_id: str, fault_id: str) -> PhotoFile:
        async with self._db.read() as session:
            report, _location, _evse = await self._readable(session, principal, location_id, fault_id)
        if report.photo_file is None or report.photo_type is None:
            raise not_found("photo")
        return PhotoFile(photo_files.photo_dir(self._config.data_dir) / report.photo_file, report.photo_type)

    async def of_listing(self, principal: Principal, location_id: str, *, open_only: bool) -> list[FaultView]:
        """All reports of the listing for its host and admins; one's own for anyone else (newest first)."""
        async with self._db.read() as session:
            location = await session.get(Location, location_id)
            if location is None:
                raise not_found("listing")
            query = _VIEWS.where(FaultReport.location_id == location_id)
            if not (principal.is_admin or principal.user_id == location.host_id):
                query = query.where(FaultReport.reporter_id == principal.user_id)
                if not await _reported_at(session, location_id, principal.user_id):
                    await Listings.visible(session, principal, location_id, stale_before=self._stale_before())
            if open_only:
                query = query.where(FaultReport.fixed_at.is_(None))
            return [FaultView(report, uid) for report, uid in await session.execute(query)]

    async def mine(self, principal: Principal) -> list[FaultView]:
        """The reports the principal made, newest first."""
        async with self._db.read() as session:
            rows = await session.execute(_VIEWS.where(FaultReport.reporter_id == principal.user_id))
            return [FaultView(report, uid) for report, uid in rows]

    async def _reportable(
        self, session: AsyncSession, principal: Principal, location_id: str, now: datetime
    ) -> Location:
        """The listing, if the principal may report its faults; else 403 (when they may see it) or 404."""
        location = await session.get(Location, location_id)
        if location is None or location.removed_at is not None:
            raise not_found("listing")
        if principal.user_id == location.host_id or await _used_by(session, principal.user_id, location_id, now):
            return location
        await Listings.visible(session, principal, location_id, stale_before=self._stale_before())
        raise forbidden("Only a driver who booked this charger, or charged here in the last 30 days, reports a fault.")

    async def _record(
        self, session: AsyncSession, report: FaultReport, location: Location, evse: Evse, now: datetime
    ) -> None:
        session.add(report)
        try:
            await session.flush()
        except IntegrityError as err:  # the same reporter's report of the same EVSE, a moment earlier
            raise _already_reported() from err
        set_status(evse, OUT_OF_ORDER, now, live=False)
        await session.flush()
        await refresh_location(session, location.id)
        if not report.by_host:
            await set_fault_penalty(session, location.id, await _penalised_until(session, location.id, now))
        affected = list(
            await session.scalars(
                select(Booking).where(
                    Booking.evse_row_id == evse.id,
                    Booking.reservation_status.in_(HOLDING),
                    Booking.ends_at > now,
                    Booking.driver_id != report.reporter_id,
                )
            )
        )
        if not report.by_host:
            bookings = f" {len(affected)} upcoming booking(s) of it were told." if affected else ""
            await notify(
                session,
                location.host_id,
                kind="fault.reported",
                subject=f"Fault reported at {_place(location)}: charger {evse.uid}",
                body=f"A driver reported: {report.category.replace('_', ' ').lower()}.\n\n{report.description}\n\n"
                f"The charger is out of order until you confirm the fix.{bookings}",
                link=_link(report),
            )
        for booking in affected:
            await notify(
                session,
                booking.driver_id,
                kind="fault.booking_affected",
                subject=f"A fault was reported at the charger you booked at {_place(location)}",
                body="The charger you booked was reported broken and is out of order until its host confirms the "
                "fix. Your booking stands; the host may fix it in time, or cancel the booking (the booking fee is "
                "refunded then).",
                link=f"/bookings/{booking.id}",
            )

    async def _readable(
        self, session: AsyncSession, principal: Principal, location_id: str, fault_id: str, *, lock: bool = False
    ) -> tuple[FaultReport, Location, Evse]:
        query = select(FaultReport).where(FaultReport.id == fault_id, FaultReport.location_id == location_id)
        report = await session.scalar(query.with_for_update() if lock else query)
        location = None if report is None else await session.get(Location, location_id)
        if report is None or location is None:
            raise not_found("fault report")
        if not (principal.is_admin or principal.user_id in (location.host_id, report.reporter_id)):
            raise not_found("fault report")
        evse = await session.get(Evse, report.evse_row_id)
        assert evse is not None  # the report goes with its EVSE (ON DELETE CASCADE)
        return report, location, evse

    def _stale_before(self) -> datetime:
        return self._health.stale_before(self.clock())


async def _used_by(session: AsyncSession, user_id: int, location_id: str, now: datetime) -> bool:
    booked = exists().where(
        Booking.location_id == location_id,
        Booking.driver_id == user_id,
        Booking.reservation_status != Status.REJECTED,
    )
    charged = exists().where(
        ChargingSession.location_id == location_id,
        ChargingSession.driver_id == user_id,
        ChargingSession.start_date_time >= now - RECENT_SESSION,
    )
    return bool(await session.scalar(select(or_(booked, charged))))


async def _open_report_of(session: AsyncSession, evse_row_id: int, reporter_id: int) -> bool:
    found = await session.scalar(
        select(FaultReport.id).where(
            FaultReport.evse_row_id == evse_row_id,
            FaultReport.reporter_id == reporter_id,
            FaultReport.fixed_at.is_(None),
        )
    )
    return found is not None


async def _penalised_until(session: AsyncSession, location_id: str, now: datetime) -> datetime | None:
    rows = await session.execute(
        select(FaultReport.reporter_id, FaultReport.created_at).where(
            FaultReport.location_id == location_id,
            FaultReport.by_host.is_(False),
            FaultReport.reporter_id.is_not(None),
            FaultReport.created_at > now - SEARCH_PENALTY.window,
        )
    )
    return SEARCH_PENALTY.penalised_until((reporter_id, at) for reporter_id, at in rows if reporter_id is not None)


async def _reported_at(session: AsyncSession, location_id: str, reporter_id: int) -> bool:
    reported = exists().where(FaultReport.location_id == location_id, FaultReport.reporter_id == reporter_id)
    return bool(await session.scalar(select(reported)))


def _already_reported() -> ApiError:
    return conflict("already_reported", "You reported a fault of this charger already; it is still open.")


def _place(location: Location) -> str:
    return location.name or f"{location.address}, {location.city}"


def _link(report: FaultReport) -> str:
    return f"/listings/{report.location_id}/faults/{report.id}"
